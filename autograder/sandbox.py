"""Run a submission's code in an isolated process (the grader never runs it).

:class:`Sandbox` starts :mod:`autograder._child` under bubblewrap (``bwrap``):

- new user, PID, network, IPC, UTS and cgroup namespaces (``--unshare-all``),
  user ``nobody`` (65534) inside, all capabilities dropped;
- a filesystem made of read-only binds of the system (``/usr``), the Python
  installation, the virtual environment and the two package folders the
  submission may import (``helpers/``, ``autograder/``). The course directory,
  ``solutions/``, the gradebook, nbgrader's configuration and other submissions
  simply do not exist in there; ``/`` and ``/dev`` are read-only;
- a clean environment and ``--die-with-parent``.

The sandboxed process is a *zygote*, process 1 of the sandbox's PID namespace, that
imported NumPy/SymPy/PyTorch once. Each submission gets a :class:`Session` of its
own: a socket made for it alone, and a process the zygote forks into fresh user,
mount, IPC and PID namespaces with an empty ``/tmp`` and ``/dev/shm`` (see
:mod:`autograder._child`). When its grading ends, everything it started is killed
and the zygote checks that nothing of its own changed; if that cannot be shown, the
whole sandbox is replaced. Wall-clock limits are enforced here, in the grader, with
deadlines on every read.

Without bubblewrap (e.g. on Binder, where user namespaces are not available) the
same program runs as a plain subprocess with a clean environment and a warning:
fine for a learner checking their own work, not for grading a class.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from autograder import wire
from autograder.paths import REPO_ROOT

START_TIMEOUT = 120.0
SESSION_START_TIMEOUT = 30.0
# replies to the requests the grader itself interprets (a cell's output, its error)
# are small; a larger one is a submission breaking the protocol
CONTROL_REPLY_BYTES = 4 * 1024 * 1024


class SandboxError(RuntimeError):
    """The sandbox could not be started or stopped responding."""


class OverLimit(RuntimeError):
    """The sandbox as a whole went over its memory or process budget."""


class SandboxUnavailable(SandboxError):
    """A fresh sandbox could not be started: the grader's problem, never the student's.

    The notebook is then *not graded* (nbgrader reports a failure for it) rather
    than given zero points."""


class SessionLost(RuntimeError):
    """The submission's process died, timed out or broke the protocol."""

    def __init__(self, reason: str, timed_out: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TASK_ALLOWANCE = 64  # processes + threads a session may add to its sandbox
WATCH_EVERY = 0.25  # seconds between the grader's checks of the sandbox
MAX_TREE = 4096


def _children_map() -> dict[int, list[int]]:
    """{parent pid: [child pids]} for every process the grader can see."""
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                data = fh.read()
            ppid = int(data[data.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from the grader's /proc (about 1 ms)."""
    kids = _children_map()
    found: list[int] = []
    todo = [root]
    while todo and len(found) < MAX_TREE:
        pid = todo.pop()
        found.append(pid)
        todo.extend(kids.get(pid, ()))
    return found + todo


def bwrap_path() -> str | None:
    if os.environ.get("AUTOGRADER_NO_BWRAP"):
        return None
    return shutil.which("bwrap")


_BWRAP_WORKS: dict[str, bool] = {}
_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    """One plain line on stderr (not a Python warning with a source line)."""
    if message not in _WARNED:
        _WARNED.add(message)
        print(message, file=sys.stderr, flush=True)


def bwrap_works(bwrap: str) -> bool:
    """Whether bubblewrap can create its namespaces here (not on every host)."""
    if bwrap not in _BWRAP_WORKS:
        try:
            done = subprocess.run(
                [bwrap, "--unshare-all", "--ro-bind", "/", "/", "true"],
                capture_output=True,
                timeout=20,
            )
            _BWRAP_WORKS[bwrap] = done.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _BWRAP_WORKS[bwrap] = False
    return _BWRAP_WORKS[bwrap]


def _python_dirs() -> list[Path]:
    """Directories the interpreter needs: the venv and the base installation."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    exe = Path(sys.executable)
    dirs.add(exe.resolve().parent.parent)
    return sorted(d for d in dirs if d.exists() and str(d) not in ("/", "/usr"))


def bwrap_command(bwrap: str, inner: list[str]) -> list[str]:
    cmd = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",  # the zygote is process 1: nothing else lives in the sandbox
        "--cap-drop",
        "ALL",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--hostname",
        "sandbox",
        "--size",
        str(256 * 1024 * 1024),
        "--tmpfs",
        "/tmp",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for name in ("lib", "lib64", "bin", "sbin"):
        target = Path("/") / name
        if target.is_symlink():
            cmd += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            cmd += ["--ro-bind", str(target), str(target)]
    for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
        if os.path.exists(etc):
            cmd += ["--ro-bind", etc, etc]
    for d in _python_dirs():
        cmd += ["--ro-bind", str(d), str(d)]
    for pkg in ("helpers", "autograder"):
        d = REPO_ROOT / pkg
        if d.is_dir():
            cmd += ["--ro-bind", str(d), str(d)]
    # (the private /tmp comes first: binds below it, e.g. a course copied to /tmp, stay)
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev", "--remount-ro", "/"]
    return cmd + ["--chdir", "/tmp"] + inner


def _pid_namespace() -> str:
    """The id of the grader's PID namespace (the zygote checks that its own differs)."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def child_env() -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/.mpl",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
    }


class Sandbox:
    """A zygote process in a sandbox; :meth:`session` starts one per submission.

    Only the process that created a sandbox manages it: a forked copy of the grader
    (a test running in a child process) may use a session's socket but never
    restarts or stops the sandbox.
    """

    def __init__(self, preload: tuple[str, ...] = ("numpy",), isolate: bool | None = None):
        self.preload = tuple(preload)
        bwrap = bwrap_path()
        if isolate is None:
            isolate = bwrap is not None and bwrap_works(bwrap)
        elif isolate and not (bwrap and bwrap_works(bwrap)):
            raise SandboxError(
                "bubblewrap (bwrap) is needed to grade safely and is not available here: "
                "install it (apt-get install bubblewrap); nothing was graded"
            )
        self.isolated = isolate
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctrl: socket.socket | None = None
        self.owner = os.getpid()
        self.stderr_tail = b""

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        if self.proc is not None:
            return
        if not self.isolated:
            _warn_once(
                "warning: bubblewrap (bwrap) is not available here, so the code being "
                "graded runs in a plain subprocess without isolation (fine for checking "
                "your own work, not for grading a class)"
            )
        self.owner = os.getpid()
        ours, theirs = socket.socketpair()
        child_fd = theirs.fileno()
        # an absolute path without symlinks resolved: the venv's python must stay the
        # venv's, and a relative path (../../.venv/bin/python) means nothing in there
        python = os.path.normpath(os.path.abspath(sys.executable))
        inner = [
            python,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); "
            "from autograder._child import zygote_main; zygote_main(sys.argv[1:])",
            str(child_fd),
            ",".join(self.preload),
            "isolated" if self.isolated else "plain",
            _pid_namespace(),
        ]
        if self.isolated:
            bwrap = bwrap_path()
            if bwrap is None:
                raise SandboxUnavailable("bubblewrap (bwrap) is no longer available")
            cmd = bwrap_command(bwrap, inner)
            cwd = None
        else:
            cmd = inner
            self._tmp = (
                Path(os.environ.get("TMPDIR", "/tmp")) / f"autograder-{os.getpid()}-{id(self)}"
            )
            self._tmp.mkdir(parents=True, exist_ok=True)
            cwd = str(self._tmp)
        env = child_env()
        if not self.isolated:
            env["HOME"] = str(self._tmp)
            env["MPLCONFIGDIR"] = str(self._tmp / ".mpl")
        self.stderr_tail = b""
        self.proc = subprocess.Popen(
            cmd,
            pass_fds=[child_fd],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        theirs.close()
        self.ctrl = ours
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        try:
            msg = wire.read_message(ours.fileno(), time.monotonic() + START_TIMEOUT)
        except (wire.ChannelClosed, wire.ChannelTimeout, wire.WireError):
            self.close()
            raise SandboxUnavailable(
                "the sandbox did not start: " + self._stderr_summary()
            ) from None
        if not msg.get("ready") or (self.isolated and not msg.get("isolated")):
            self.close()
            raise SandboxUnavailable(
                "the sandbox did not start: " + str(msg.get("error") or "no isolation")[:300]
            )

    def _stderr_summary(self) -> str:
        """The last distinct lines the sandbox printed before it failed."""
        lines = []
        for line in self.stderr_tail.decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line and line not in lines:
                lines.append(line)
        return "; ".join(lines[-3:])[-500:] or "no message"

    def _drain_stderr(self) -> None:
        stream = self.proc.stderr if self.proc else None
        if stream is None:
            return
        while True:
            chunk = stream.read(4096)
            if not chunk:
                return
            self.stderr_tail = (self.stderr_tail + chunk)[-4096:]

    def close(self) -> None:
        if os.getpid() != self.owner:
            return  # a forked copy of the grader never stops the sandbox
        proc, self.proc = self.proc, None
        if proc is None:
            return
        # the process (bubblewrap, or the zygote without it) was started in a
        # session of its own: its process group is its pid, which stays reserved
        # until we reap it, so this signals only what we started
        if proc.returncode is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.ctrl is not None:
            self.ctrl.close()
            self.ctrl = None
        if not self.isolated and getattr(self, "_tmp", None):
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------ watchdog
    def usage(self) -> tuple[int, int]:
        """(private resident memory in bytes, number of processes and threads) of
        everything running in the sandbox, as the grader sees it from outside.

        Resource limits inside the sandbox are per process; this is what lets the
        grader stop a submission that multiplies its memory by starting processes.
        """
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return 0, 0
        memory = tasks = 0
        for pid in _process_tree(proc.pid):
            try:
                with open(f"/proc/{pid}/statm") as fh:
                    fields = fh.read().split()
                memory += max(0, int(fields[1]) - int(fields[2])) * PAGE_SIZE
                tasks += len(os.listdir(f"/proc/{pid}/task"))
            except (OSError, ValueError, IndexError):
                continue
        return memory, tasks

    # ------------------------------------------------------------ sessions
    def _control(
        self, message: dict[str, Any], timeout: float = 30.0, fds: list[int] | None = None
    ) -> dict[str, Any]:
        ctrl = self.ctrl
        try:
            if ctrl is None:
                raise wire.ChannelClosed("no sandbox")
            wire.write_message(ctrl.fileno(), message)
            if fds:
                socket.send_fds(ctrl, [b"\0"], fds)
            reply = wire.read_message(ctrl.fileno(), time.monotonic() + timeout)
            if type(reply) is not dict:
                raise wire.WireError("the sandbox's reply is not an object")
            return reply
        except (wire.ChannelClosed, wire.ChannelTimeout, wire.WireError, OSError) as exc:
            self.close()
            raise SandboxError(f"the sandbox stopped responding ({type(exc).__name__})") from None

    def session(self, limits: dict[str, int]) -> Session:
        """A new session, on a socket of its own, in namespaces of its own."""
        self.start()
        ours, theirs = socket.socketpair()
        try:
            reply = self._control({"op": "fork", "limits": limits}, fds=[theirs.fileno()])
        finally:
            theirs.close()
        if not reply.get("forked"):
            ours.close()
            self.close()
            raise SandboxError("the sandbox could not start a session")
        try:
            hello = wire.read_message(ours.fileno(), time.monotonic() + SESSION_START_TIMEOUT)
        except (wire.ChannelClosed, wire.ChannelTimeout, wire.WireError, OSError):
            hello = {}
        if type(hello) is not dict or hello.get("ready") is not True:
            ours.close()
            self.close()
            why = hello.get("error") if type(hello) is dict else None
            raise SandboxError(f"the sandbox could not start a session ({str(why)[:300]})")
        return Session(self, ours, limits)


class Session:
    """The grader's view of one submission process: requests with deadlines."""

    def __init__(self, sandbox: Sandbox, sock: socket.socket, limits: dict[str, int] | None = None):
        self.sandbox = sandbox
        self.sock = sock
        self.alive = True
        limits = limits or {}
        memory, tasks = sandbox.usage()
        # what the session may add to the sandbox, all its processes together: one
        # process at its own memory limit fits, several of them do not
        budget = int(limits.get("memory_bytes", 0))
        self.memory_cap = memory + int(1.5 * budget) if budget else None
        self.task_cap = tasks + TASK_ALLOWANCE
        self.last_watch = 0.0

    def _watch(self) -> None:
        """The grader's check of the whole sandbox; raises :class:`OverLimit`."""
        self.last_watch = time.monotonic()
        memory, tasks = self.sandbox.usage()
        if self.memory_cap is not None and memory > self.memory_cap:
            raise OverLimit(
                f"the submission's processes used {memory / 2**20:.0f} MB of "
                "memory together, more than allowed (memory limit)"
            )
        if tasks > self.task_cap:
            raise OverLimit(
                f"the submission started {tasks} processes and threads, more than allowed"
            )

    def request(
        self, message: dict[str, Any], timeout: float, max_bytes: int = wire.MAX_MESSAGE_BYTES
    ) -> dict[str, Any]:
        """Send one request and wait for its reply; ``max_bytes`` bounds the reply."""
        if not self.alive:
            raise SessionLost("the process running the submission has already stopped")
        deadline = time.monotonic() + max(0.0, timeout)
        fd = self.sock.fileno()
        try:
            if time.monotonic() - self.last_watch > WATCH_EVERY:
                self._watch()  # (processes it left running between requests)
            wire.write_message(fd, message)
            reply = wire.read_message(fd, deadline, max_bytes=max_bytes, tick=self._watch)
        except OverLimit as exc:
            self.kill()
            raise SessionLost(str(exc)) from None
        except wire.ChannelTimeout:
            self.kill()
            raise SessionLost(f"did not finish within {timeout:.0f} s", timed_out=True) from None
        except wire.ChannelClosed:
            self.kill()
            raise SessionLost("the process running your code stopped") from None
        except wire.WireError as exc:
            self.kill()
            raise SessionLost(f"the submission broke the grading protocol ({exc})") from None
        except OSError as exc:
            self.kill()
            raise SessionLost(f"lost contact with the submission ({exc})") from None
        if type(reply) is not dict:
            self.kill()
            raise SessionLost("the submission broke the grading protocol")
        if reply.get("died") is True:
            self.kill()
            raise SessionLost(_death_reason(reply))
        return reply

    def kill(self) -> None:
        """Stop the session after trouble (its socket may hold half a message)."""
        if not self.alive:
            return
        self.alive = False
        if os.getpid() != self.sandbox.owner:
            return  # (a forked copy of the grader: the owner ends it)
        self.sock.close()
        self._end()

    def end(self) -> None:
        """Normal end: everything the session started is killed."""
        if not self.alive:
            return
        self.alive = False
        if os.getpid() != self.sandbox.owner:
            return  # (a forked copy of the grader: the owner ends it)
        self.sock.close()
        self._end()

    def _end(self) -> None:
        if self.sandbox.proc is None:
            return
        try:
            reply = self.sandbox._control({"op": "end"})
        except SandboxError:
            return
        if reply.get("clean") is not True:
            # the zygote could not show that nothing of this session is left: a new
            # sandbox for the next one
            self.sandbox.close()


def _death_reason(notice: dict[str, Any]) -> str:
    """What the session's init reported about its end, in words."""
    sig = notice.get("signal")
    if sig:
        try:
            name = signal.Signals(int(sig)).name
        except (ValueError, TypeError):
            name = f"signal {sig}"
        why = {"SIGXCPU": " (CPU time limit)", "SIGKILL": "", "SIGSEGV": " (a crash)"}.get(name, "")
        return f"the process running your code was killed by {name}{why}"
    return f"the process running your code exited (status {notice.get('code')})"
