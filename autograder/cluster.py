"""Grading a class on Dask distributed: one task per submission.

``python -m autograder grade`` is the *client*. It packs what a task needs and what
no worker can be assumed to have: the assignment's source files, the course's
nbgrader settings, the due date, the engine's limits and call budgets
(:class:`AssignmentPackage`, the same for every task), and the student's submitted
files (:class:`SubmissionTask`). A task (:func:`grade_submission`) runs nbgrader's
``autograde`` with the trusted engine in a private *scratch course* on its worker,
and returns the autograded files and the automatic grades
(:class:`SubmissionResult`). Only the client writes into the course directory and
the gradebook, one submission at a time, each in one transaction.

What follows from that:

- workers need no shared filesystem and no access to the gradebook (nor its
  password): only this repository's code (same commit, its ``.venv``) and bubblewrap;
- a worker that dies mid-task has written nothing anywhere: Dask runs the task again
  on another worker, and the client records the first result it gets for each
  student, so every submission is graded exactly once;
- stopping the client (Ctrl-C) leaves every finished result in place and nothing
  half-written.

:func:`local_cluster` starts a Dask cluster of worker processes on this machine
(the default); :func:`remote_cluster` connects to a running ``dask scheduler``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, TypedDict

from traitlets.config import Config

from autograder import budgets, gradebook
from autograder.config import api_for
from autograder.course import fail_line
from autograder.engine import get_sandbox, preload_for
from autograder.errors import NotCompleted
from autograder.preprocessors.trusted_execute import engine_seconds

MAX_SUBMISSION_BYTES = 100 * 1024 * 1024  # a submission folder larger than this is refused
# a notebook and a few files of its own: thousands of files would hold a worker (nbgrader
# copies every one) outside every time limit, so such a folder is refused as well
MAX_SUBMISSION_FILES = 100


class AssignmentPackage(TypedDict):
    """Everything a worker needs to grade any submission of one assignment."""

    assignment: str
    source: dict[str, bytes]  # path under source/<assignment>/ -> content
    settings: dict[str, Any]  # the course's own nbgrader configuration (no paths, no URL)
    course_id: str
    duedate: Any  # datetime.datetime | None
    engine: dict[str, Any]  # sandbox, timeout_cell, timeout_notebook
    call_budgets: budgets.Budgets


class SubmissionTask(TypedDict):
    student: str
    files: dict[str, bytes]  # path under submitted/<student>/<assignment>/ -> content
    digest: str  # of those files: what the result was graded from


class SubmissionResult(TypedDict):
    student: str
    success: bool
    error: str | None
    files: dict[str, bytes]  # path under autograded/<student>/<assignment>/ -> content
    grades: gradebook.SubmissionGrades | None
    digest: str
    seconds: float  # the task, on its worker
    engine_seconds: float  # of which running the notebook (student cells and tests)
    worker: str


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path (checkpoints and caches left out).

    Raises ValueError (the caller reports that submission and goes on) for a folder of
    more than ``MAX_SUBMISSION_BYTES`` or ``MAX_SUBMISSION_FILES``, or holding a file
    whose name is not UTF-8 text (it could not be sent to a worker or written back)."""
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or not path.is_file():
            continue
        if {".ipynb_checkpoints", "__pycache__"} & set(relative.parts):
            continue
        name = relative.as_posix()
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                f"it holds a file whose name is not UTF-8 text: {ascii(name)}; rename or remove it"
            ) from None
        total += path.stat().st_size
        if total > MAX_SUBMISSION_BYTES:
            raise ValueError(f"it holds more than {MAX_SUBMISSION_BYTES // 2**20} MB")
        if len(files) == MAX_SUBMISSION_FILES:
            raise ValueError(
                f"it holds more than {MAX_SUBMISSION_FILES} files (a notebook and a few "
                "files of its own are expected)"
            )
        files[name] = path.read_bytes()
    return files


def digest_of(files: dict[str, bytes]) -> str:
    return budgets.source_digest(files)


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    for relative, content in files.items():
        target = (folder / relative).resolve()
        if not target.is_relative_to(folder.resolve()):
            raise ValueError(f"refusing to write {relative!r} outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


# ----------------------------------------------------------- worker side
def _package_key(package: AssignmentPackage) -> str:
    digest = hashlib.sha256()
    digest.update(repr(sorted(package["settings"].items())).encode())
    digest.update(repr((package["assignment"], package["course_id"], package["duedate"])).encode())
    digest.update(repr(sorted(package["engine"].items())).encode())
    digest.update(repr(sorted(package["call_budgets"].items())).encode())
    digest.update(budgets.source_digest(package["source"]).encode())
    return digest.hexdigest()[:16]


class _ScratchCourse:
    """A private nbgrader course on the worker: the assignment generated into a SQLite
    gradebook of its own, where each submission is autograded before its results
    travel back to the client."""

    def __init__(self, package: AssignmentPackage):
        self.assignment = package["assignment"]
        # in memory where possible: the scratch gradebook commits after every cell, and
        # nothing in it needs to survive the worker
        shm = Path("/dev/shm")
        memory = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
        self.root = Path(tempfile.mkdtemp(prefix="autograder-worker-", dir=memory))
        self.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        write_folder(self.root / "source" / self.assignment, package["source"])
        extra = Config(package["settings"])
        extra.CourseDirectory.course_id = package["course_id"]
        extra.TrustedExecute.call_budgets = package["call_budgets"]
        self.api = api_for(self.root, self.db_url, extra, **package["engine"])
        result = self.api.generate_assignment(self.assignment, force=True, create=True)
        if not result.get("success"):
            raise RuntimeError(f"generate_assignment failed on the worker: {fail_line(result)}")
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, package["course_id"]) as gb:
            gb.update_or_create_assignment(self.assignment, duedate=package["duedate"])

    def grade(self, task: SubmissionTask) -> SubmissionResult:
        from nbgrader.api import Gradebook

        started, engine_before = time.monotonic(), engine_seconds()
        student = task["student"]
        submitted = self.root / "submitted" / student
        autograded = self.root / "autograded" / student
        for folder in (submitted, autograded, self.root / "feedback" / student):
            shutil.rmtree(folder, ignore_errors=True)
        result: SubmissionResult = {
            "student": student,
            "success": False,
            "error": None,
            "files": {},
            "grades": None,
            "digest": task["digest"],
            "seconds": 0.0,
            "engine_seconds": 0.0,
            "worker": f"{socket.gethostname()}:{os.getpid()}",
        }
        try:
            write_folder(submitted / self.assignment, task["files"])
            outcome = self.api.autograde(self.assignment, student, force=True, create=True)
            if outcome.get("success"):
                with Gradebook(self.db_url) as gb:
                    grades = gradebook.read_grades(gb, self.assignment, student)
                present = {Path(name).stem for name in task["files"] if name.endswith(".ipynb")}
                for name, notebook in grades["notebooks"].items():
                    notebook["submitted"] = name in present
                result["grades"] = grades
                result["files"] = read_folder(autograded / self.assignment)
                result["success"] = True
            else:
                result["error"] = fail_line(outcome)
        except Exception as exc:  # one bad submission never stops the batch
            result["error"] = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            shutil.rmtree(submitted, ignore_errors=True)
            shutil.rmtree(autograded, ignore_errors=True)
        result["seconds"] = time.monotonic() - started
        result["engine_seconds"] = engine_seconds() - engine_before
        return result

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


_SCRATCH: dict[str, _ScratchCourse] = {}
_WORKER_LOCK = threading.Lock()  # a worker started with several threads grades one at a time


@atexit.register
def _remove_scratch_courses() -> None:
    for scratch in _SCRATCH.values():
        scratch.close()
    _SCRATCH.clear()


def _forget_scratch_after_fork() -> None:
    _SCRATCH.clear()  # the parent's; a forked process makes its own


os.register_at_fork(after_in_child=_forget_scratch_after_fork)


def grade_submission(package: AssignmentPackage, task: SubmissionTask) -> SubmissionResult:
    """The Dask task: autograde one submission in this worker's scratch course."""
    with _WORKER_LOCK:
        key = _package_key(package)
        if key not in _SCRATCH:
            for old in list(_SCRATCH.values()):  # one assignment at a time per worker
                old.close()
            _SCRATCH.clear()
            _SCRATCH[key] = _ScratchCourse(package)
        return _SCRATCH[key].grade(task)


def warm_up(package: AssignmentPackage) -> None:
    """The Dask task that starts this worker's sandbox (its heavy imports) while another
    worker times the reference solution."""
    import nbformat

    notebooks = [
        data for name, data in sorted(package["source"].items()) if name.endswith(".ipynb")
    ]
    if not notebooks:
        return
    nb = nbformat.reads(notebooks[0].decode("utf-8"), as_version=4)
    with _WORKER_LOCK, contextlib.suppress(Exception):  # a real task will report any failure
        get_sandbox(preload_for(nb), _isolation(package)).start()


def _isolation(package: AssignmentPackage) -> bool | None:
    return {"require": True, "off": False}.get(str(package["engine"].get("sandbox")))


def measure_budgets(package: AssignmentPackage) -> budgets.BudgetTable:
    """The Dask task that times the reference solution through this worker's engine."""
    notebooks = {name: data for name, data in package["source"].items() if name.endswith(".ipynb")}
    cell_seconds = float(package["engine"].get("timeout_cell") or 15)
    with _WORKER_LOCK:
        return budgets.build_table(notebooks, _isolation(package), cell_seconds)


# ----------------------------------------------------------- client side
class Runner(Protocol):
    """Where tasks run: this process, or a Dask cluster."""

    description: str

    def call(self, package: AssignmentPackage) -> budgets.BudgetTable: ...

    def grade_all(
        self, package: AssignmentPackage, tasks: Iterator[SubmissionTask] | list[SubmissionTask]
    ) -> Iterator[SubmissionResult]: ...

    def close(self) -> None: ...


class InProcess:
    """``--jobs 1``: every task in this process, one after the other (no cluster)."""

    description = "this process"

    def call(self, package: AssignmentPackage) -> budgets.BudgetTable:
        return measure_budgets(package)

    def grade_all(
        self, package: AssignmentPackage, tasks: Iterator[SubmissionTask] | list[SubmissionTask]
    ) -> Iterator[SubmissionResult]:
        for task in tasks:
            yield grade_submission(package, task)

    def close(self) -> None:
        pass


class DaskRunner:
    """Tasks on a Dask cluster; results come back in the order they finish."""

    def __init__(self, client: Any, cluster: Any = None, description: str = ""):
        self.client, self.cluster, self.description = client, cluster, description
        self.pending: list[Any] = []
        self.warming: list[Any] = []

    def call(self, package: AssignmentPackage) -> budgets.BudgetTable:
        future = self.client.submit(
            measure_budgets, package, pure=False, key=f"budgets-{uuid.uuid4().hex}"
        )
        workers = list(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        self.warming = [  # (kept referenced: Dask forgets a task nobody holds)
            self.client.submit(
                warm_up, package, pure=False, workers=[address], allow_other_workers=False
            )
            for address in workers
        ]
        self.pending = [future]
        table: budgets.BudgetTable = future.result()
        self.pending = []
        return table

    def grade_all(
        self, package: AssignmentPackage, tasks: Iterator[SubmissionTask] | list[SubmissionTask]
    ) -> Iterator[SubmissionResult]:
        from distributed import KilledWorker, as_completed

        batch = uuid.uuid4().hex[:8]
        futures = {}
        for task in tasks:
            future = self.client.submit(
                grade_submission,
                package,
                task,
                pure=False,
                key=f"grade-{package['assignment']}-{task['student']}-{batch}",
            )
            futures[future.key] = (future, task)
        self.pending = [future for future, _ in futures.values()]
        for future in as_completed(self.pending):
            _, task = futures[future.key]
            try:
                result: SubmissionResult = future.result()
            except KilledWorker:
                result = _failed(task, "every worker that tried to grade it died")
            except Exception as exc:
                result = _failed(task, f"the task failed: {type(exc).__name__}: {exc}")
            self.pending.remove(future)
            yield result

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.pending or self.warming:
                self.client.cancel(self.pending + self.warming, force=True)
        with contextlib.suppress(Exception):
            self.client.close(timeout=5)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=5)


def _failed(task: SubmissionTask, error: str) -> SubmissionResult:
    return {
        "student": task["student"],
        "success": False,
        "error": error,
        "files": {},
        "grades": None,
        "digest": task["digest"],
        "seconds": 0.0,
        "engine_seconds": 0.0,
        "worker": "",
    }


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Processes started inside inherit an ignored SIGINT: Ctrl-C in the terminal
    reaches only the client, which stops the cluster itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def local_cluster(workers: int) -> DaskRunner:
    """A Dask cluster of ``workers`` processes (one thread each) on 127.0.0.1."""
    from distributed import Client, LocalCluster

    with _sigint_ignored():
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=":0",  # no fixed port: other clusters may run here
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    return DaskRunner(client, cluster, f"a local Dask cluster of {workers} worker processes")


def remote_cluster(address: str, wait_seconds: float = 30.0) -> DaskRunner:
    """A client of the running Dask scheduler at ``address`` (``tcp://host:port``)."""
    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        client = Client(address, timeout=wait_seconds)
    except (OSError, TimeoutError) as exc:
        raise NotCompleted(
            f"cannot reach the Dask scheduler at {address}: {exc} "
            "(start it with `dask scheduler`, see docs/instructor-guide.md)"
        ) from None
    try:
        client.wait_for_workers(1, timeout=wait_seconds)
    except TimeoutError:
        client.close()
        raise NotCompleted(
            f"the Dask scheduler at {address} has no workers after {wait_seconds:.0f} s "
            "(start some with `dask worker`)"
        ) from None
    workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
    return DaskRunner(client, None, f"the Dask cluster at {address} ({workers} workers)")
