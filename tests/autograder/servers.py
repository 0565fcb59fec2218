"""Real servers for the grader's tests, on 127.0.0.1 and free ports.

- :func:`postgres`: Debian's PostgreSQL 15 (``initdb`` + ``pg_ctl``) in a temporary
  data directory, with a password-protected role. PostgreSQL refuses to run as root,
  so as root the server runs as the ``postgres`` user (``runuser``). Missing binaries
  are installed when running as root (``apt-get install postgresql``); otherwise the
  test is skipped with the reason, except under CI, where it fails.
- :func:`dask_cluster`: ``dask scheduler`` and ``dask worker`` processes, exactly as
  the instructor guide starts them.

Every process is stopped (and every directory removed) when the context ends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    preferred = [p for p in found if "/15/" in p]
    chosen = (preferred or found or [None])[-1]
    return Path(chosen).parent if chosen else None


def _install_postgres() -> None:
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql"],
        check=False,
        capture_output=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


@dataclass
class Postgres:
    host: str
    port: int
    user: str
    password: str
    database: str
    bindir: Path

    def url(self, database: str | None = None, password: bool = True) -> str:
        secret = f":{self.password}" if password else ""
        return (
            f"postgresql://{self.user}{secret}@{self.host}:{self.port}/{database or self.database}"
        )

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server on 127.0.0.1:<free port> with role ``grader`` and a password."""
    bindir = _pg_bin()
    if bindir is None and os.geteuid() == 0:
        _install_postgres()
        bindir = _pg_bin()
    if bindir is None:
        _unavailable("needs PostgreSQL (apt-get install postgresql; as root the test installs it)")
        raise AssertionError("unreachable")
    as_root = os.geteuid() == 0
    if as_root and shutil.which("runuser") is None:
        _unavailable("PostgreSQL refuses to run as root and runuser is missing")
    runas = ["runuser", "-u", "postgres", "--"] if as_root else []
    base = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    # a password with characters that need %-encoding in a URL would hide a masking bug
    # behind the encoding; a plain one is what most instructors write
    password = "pw-" + secrets.token_hex(8)
    (base / "pwfile").write_text(password + "\n")
    if as_root:
        shutil.chown(base, "postgres")
        for path in (sockets, base / "pwfile"):
            shutil.chown(path, "postgres")
    port = free_port()
    log = base / "server.log"
    try:
        subprocess.run(
            [
                *runas,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "grader",
                "--auth=scram-sha-256",
                f"--pwfile={base / 'pwfile'}",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        if as_root:
            subprocess.run(["touch", str(log)], check=True)
            shutil.chown(log, "postgres")
        subprocess.run(
            [
                *runas,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "120",
                "-o",
                f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        server = Postgres("127.0.0.1", port, "grader", password, "postgres", bindir)
        yield server
    finally:
        subprocess.run(
            [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@dataclass
class DaskCluster:
    address: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    def worker_pids(self) -> dict[str, int]:
        """{worker address: pid of its process}."""
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            return dict(client.run(os.getpid))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@contextlib.contextmanager
def dask_cluster(workers: int = 2) -> Iterator[DaskCluster]:
    """``dask scheduler`` and ``dask worker --nworkers N --nthreads 1`` (the instructor
    guide's commands) on 127.0.0.1: N worker processes, each restarted by its nanny."""
    dask = str(BIN / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    local = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
    cluster = DaskCluster(address)
    try:
        for args in (
            ["scheduler", "--port", str(port), *local],
            ["worker", address, "--nworkers", str(workers), "--nthreads", "1", *local],
        ):
            cluster.processes.append(
                subprocess.Popen(
                    [dask, *args],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,  # stopped as a group, never by the terminal's Ctrl-C
                )
            )
        from distributed import Client

        with Client(address, timeout=120) as client:
            client.wait_for_workers(workers, timeout=180)
        yield cluster
    finally:
        for process in reversed(cluster.processes):
            _stop(process)


def wait_for(predicate, timeout: float, every: float = 0.2) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
