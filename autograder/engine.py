"""The trusted execution engine: nbgrader's ``Execute`` step, done safely.

:class:`TrustedExecute` replaces nbgrader's ``Execute`` preprocessor in
``Autograde.autograde_preprocessors``. It walks the (already sanitised)
notebook in order:

- a student code cell runs in the submission's sandboxed session
  (:mod:`autograder.sandbox`), with a per-cell and a per-notebook wall-clock budget;
  its (capped) output is kept for the feedback;
- a graded test cell runs in the grader, but in a child process of its own with a
  time and memory budget (:func:`run_bounded`): rebuilding and comparing an answer
  (a huge array, a symbolic expression built to explode when simplified) can cost no
  more than one test's budget, and a test that exceeds it fails with a message while
  the notebook's other tests and the batch go on. In there the test runs in a
  namespace of its own: the names the submission defined appear as plain values or
  as proxies (:mod:`autograder.remote`); builtins, modules and everything the test
  cell defines itself are the grader's own and cannot be shadowed. Each test cell is
  self-contained (it imports what it uses).

Before a test runs, every function of the submission that it uses must be the
student's own code: one that calls the course's ``helpers`` package (directly, through
an imported name or through another of the submission's functions) fails the test
(:mod:`autograder.sources`).

The verdict of each test cell is written back as nbgrader expects it: no output
when it passed, one ``error`` output carrying only the student-facing message
when it failed. nbgrader's ``SaveAutoGrades`` then records it in the gradebook.

When the submission's process dies or runs out of time, the cell or test that
was running fails with a clear message, a fresh process replays the cells that
had completed, and grading goes on with the next cell.
"""

from __future__ import annotations

import ast
import atexit
import builtins
import contextlib
import functools
import importlib
import io
import json
import os
import re
import resource
import select
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from nbformat.notebooknode import NotebookNode

from autograder import remote, wire
from autograder.remote import Opaque, RemoteFunction, StudentError
from autograder.sandbox import (
    CONTROL_REPLY_BYTES,
    Sandbox,
    SandboxError,
    SandboxUnavailable,
    Session,
    SessionLost,
)
from autograder.sources import NotebookSources, Origin, delegation
from autograder.testing import TestFailure

BUILTIN_NAMES = frozenset(vars(builtins))
MAX_RESTARTS = 8
# what a graded function may not delegate to: the course's own implementations
FORBIDDEN_PACKAGES = ("helpers",)
# seconds a test's process gets beyond the test's own budget to report a timeout itself
GRACE_SECONDS = 3.0
TEST_CELL = "<test cell>"
MESSAGE_CHARS = 4000


def is_test_cell(cell: NotebookNode) -> bool:
    nb = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(nb.get("grade")) and not nb.get("solution")


def preload_for(nb: NotebookNode) -> tuple[str, ...]:
    """Libraries worth importing once in the zygote for this notebook."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    mods = ["numpy"]
    for name in ("sympy", "torch", "matplotlib.pyplot"):
        if name.split(".")[0] in text:
            mods.append(name)
    if "torch" in mods:
        # an optimizer's first step imports torch._dynamo (seconds): once in the zygote,
        # not once in every submission's session
        mods.append("torch._dynamo")
    return tuple(mods)


def _preload_in_grader(nb: NotebookNode) -> None:
    """Import once, in the grader, the libraries the test cells use: each test then
    runs in a fresh child process that has them already."""
    text = "\n".join(c.source for c in nb.cells if is_test_cell(c))
    for name in ("sympy", "torch"):
        if name in text:
            try:
                importlib.import_module(name)
            except ImportError:
                pass


# --------------------------------------------------------------- sandbox pool
_POOL: dict[tuple[tuple[str, ...], bool], Sandbox] = {}
_POOL_LOCK = threading.Lock()


def get_sandbox(preload: tuple[str, ...], isolate: bool | None) -> Sandbox:
    """One long-lived zygote per process and set of preloaded libraries."""
    with _POOL_LOCK:
        for (mods, iso), sandbox in _POOL.items():
            if set(preload) <= set(mods) and (isolate is None or iso == isolate):
                return sandbox
        sandbox = Sandbox(preload=preload, isolate=isolate)
        _POOL[(tuple(sorted(preload)), sandbox.isolated)] = sandbox
        return sandbox


def _forget_sandboxes_after_fork() -> None:
    # a forked grading worker must not share the parent's zygote (its sockets):
    # forget it (without killing it) and start its own
    _POOL.clear()


os.register_at_fork(after_in_child=_forget_sandboxes_after_fork)


@atexit.register
def close_sandboxes() -> None:
    with _POOL_LOCK:
        for sandbox in _POOL.values():
            sandbox.close()
        _POOL.clear()


# ------------------------------------------------------------------- limits
class Limits:
    """The budgets of one submission: per cell or test, per notebook, memory, output,
    and the memory the grader may use to check one test's answers.

    ``call_budgets`` (optional) gives a shorter limit to each call a test makes:
    ``{test id: {function name: seconds}}``, ``"*"`` standing for any function of that
    test (see :mod:`autograder.budgets`, which derives them from the reference
    solution's own time); a call is never given more than ``cell_seconds``.
    """

    def __init__(
        self,
        cell_seconds: float = 15.0,
        notebook_seconds: float = 90.0,
        memory_mb: int = 1024,
        output_chars: int = 10_000,
        call_budgets: Mapping[str, Mapping[str, float]] | None = None,
        grader_memory_mb: int = 2048,
    ):
        self.cell_seconds = float(cell_seconds)
        self.notebook_seconds = float(notebook_seconds)
        self.memory_mb = int(memory_mb)
        self.output_chars = int(output_chars)
        self.grader_memory_mb = int(grader_memory_mb)
        self.call_budgets = {
            test: {name: float(seconds) for name, seconds in per_test.items()}
            for test, per_test in (call_budgets or {}).items()
        }

    def call_seconds(self, test_id: str, function: str) -> float | None:
        """The budget of one call to ``function`` in test ``test_id``, if it has one."""
        per_test = self.call_budgets.get(test_id, {})
        budget = per_test.get(function, per_test.get("*"))
        return None if budget is None else min(budget, self.cell_seconds)

    def session_limits(self) -> dict[str, int]:
        return {
            "memory_bytes": self.memory_mb * 1024 * 1024,
            "cpu_seconds": int(self.notebook_seconds) + 10,
            "file_bytes": 64 * 1024 * 1024,
            "extra_tasks": 8,
        }


class OutOfTime(Exception):
    """The notebook's time budget is used up."""


# ---------------------------------------------------- a test in a bounded process
class BudgetExceeded(Exception):
    """The bounded process ran over its time, or ended without an answer."""

    def __init__(self, timed_out: bool):
        super().__init__("timed out" if timed_out else "no answer")
        self.timed_out = timed_out


RESULT_BYTES = 4 * 1024 * 1024


def _address_space() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS counts; 0 if unknown)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_bounded(
    work: Callable[[], dict[str, Any]], seconds: float, memory_bytes: int
) -> dict[str, Any]:
    """``work()`` in a forked child that may use ``memory_bytes`` more address space
    than the grader and must answer (a JSON-able dict) within ``seconds``.

    Raises :class:`BudgetExceeded` when it does not: it is then killed. The child
    shares nothing back but its answer, so whatever it built is gone with it.
    """
    read_end, write_end = os.pipe()
    size = _address_space()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            # (Ctrl-C is the grader's to handle: it stops this child on its way out)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(read_end)
            if size:  # (where the system says how large a process is: Linux)
                limit = size + memory_bytes
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            data = json.dumps(work()).encode()
        except BaseException as exc:  # (nothing may escape a forked child)
            data = json.dumps({"crashed": type(exc).__name__}).encode()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    received = 0
    timed_out = False
    try:
        while True:
            wait = deadline - time.monotonic()
            ready = select.select([read_end], [], [], max(0.0, wait))[0] if wait > 0 else []
            if not ready:
                timed_out = True
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            received += len(chunk)
            if received > RESULT_BYTES:
                break
            chunks.append(chunk)
    finally:
        # whatever happened (an answer, a timeout, an interrupt), the child goes now
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if timed_out:
        raise BudgetExceeded(timed_out=True)
    try:
        answer = json.loads(b"".join(chunks).decode())
    except (ValueError, UnicodeDecodeError):
        raise BudgetExceeded(timed_out=False) from None
    if type(answer) is not dict or "crashed" in answer:
        raise BudgetExceeded(timed_out=False)
    return answer


# --------------------------------------------------------------- submission
class Submission:
    """One submission's sandboxed process, restarted and replayed when lost.

    Only the grader's main process restarts it: a test running in a child process
    (``may_restart`` False) fails its test when the process is lost, and the main
    process then starts a new one before the next cell.
    """

    def __init__(self, sandbox: Sandbox, limits: Limits):
        self.sandbox = sandbox
        self.limits = limits
        self.session: Session | None = None
        self.generation = 0
        self.completed: list[str] = []  # sources of the cells that ran, in order
        self.restarts = 0
        self.start_time = time.monotonic()
        self.deadline = self.start_time + limits.notebook_seconds
        self._names: dict[str, wire.NameInfo] | None = None
        self._sources: NotebookSources | None = None
        self.broken: str | None = None  # set when the grading protocol itself fails
        self.may_restart = True
        self.calls: list[tuple[str, str, float]] = []  # (test id, function, seconds) that returned
        # set after a test with hidden parts: the next cell gets a fresh process (the
        # student's cells replayed), so nothing the code kept of the hidden tests' inputs
        # can come back in a later test's messages or values
        self.renewing = False

    # ---- time
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    # ---- session
    def ensure_session(self) -> None:
        if self.session is not None and self.session.alive:
            return
        if self.broken:
            raise StudentError(self.broken)
        if not self.may_restart:
            raise StudentError("the process running your code stopped earlier in this test")
        if self.restarts > MAX_RESTARTS:
            raise StudentError("the process running your code was restarted too many times")
        if self.remaining() <= 0:
            raise OutOfTime()
        renewal, self.renewing = self.renewing, False
        self.restarts += 1 if self.session is not None and not renewal else 0
        self.generation += 1
        self._names = None
        self._sources = None
        # starting a sandbox (importing torch in the zygote) is the grader's cost, not
        # the submission's: it does not count against the notebook's time budget
        started = time.monotonic()
        if self.sandbox.proc is None:
            self.sandbox.start()
        self.deadline += time.monotonic() - started
        try:
            self.session = self.sandbox.session(self.limits.session_limits())
        except SandboxUnavailable:
            raise
        except SandboxError:
            # one retry with a fresh sandbox (the last submission may have broken the
            # old one); a fresh sandbox that cannot start a session is the grader's
            # problem: the notebook is then not graded at all
            self.sandbox.close()
            started = time.monotonic()
            self.sandbox.start()
            self.deadline += time.monotonic() - started
            try:
                self.session = self.sandbox.session(self.limits.session_limits())
            except SandboxError as exc:
                raise SandboxUnavailable(str(exc)) from None
        started = time.monotonic()
        for index, source in enumerate(self.completed):
            self._request(self._exec_message(index, source), self.limits.cell_seconds)
        if renewal:  # the grader's choice, not the submission's: not on its time budget
            self.deadline += time.monotonic() - started

    def renew_session(self) -> None:
        """End the process after a test with hidden parts; the next cell starts afresh."""
        if self.session is not None and self.session.alive:
            self.kill_session()
            self.renewing = True

    def _exec_message(self, index: int, source: str) -> dict[str, Any]:
        return {"op": "exec", "source": source, "cell": index}

    def _request(
        self, message: dict[str, Any], timeout: float, max_bytes: int = CONTROL_REPLY_BYTES
    ) -> dict[str, Any]:
        timeout = min(timeout, self.remaining())
        if timeout <= 0:
            raise OutOfTime()
        if self.session is None:
            raise SessionLost("no session to send the request to")
        return self.session.request(message, timeout, max_bytes)

    def kill_session(self) -> None:
        """Start afresh before the next cell (the session may be in any state)."""
        if self.session is not None:
            self.session.kill()
        self._names = None
        self._sources = None

    def close(self) -> None:
        if self.session is not None:
            self.session.end()
            self.session = None

    # ---- cells
    def exec_cell(self, source: str) -> wire.ExecReply:
        self.ensure_session()
        self._names = None
        self._sources = None
        index = len(self.completed)
        reply = self._request(self._exec_message(index, source), self.limits.cell_seconds)
        self.completed.append(source)
        try:
            return wire.exec_reply(reply)
        except wire.WireError as exc:
            self.kill_session()
            raise SessionLost(f"the submission broke the grading protocol ({exc})") from None

    # ---- names, sources and values
    def names(self) -> dict[str, wire.NameInfo]:
        if self._names is None:
            self.ensure_session()
            reply = self._request({"op": "names"}, self.limits.cell_seconds, wire.MAX_MESSAGE_BYTES)
            try:
                self._names = wire.names_reply(reply)["names"]
            except wire.WireError:
                raise SessionLost("the submission broke the grading protocol") from None
        return self._names

    def sources(self) -> NotebookSources:
        """The executed cells and where each of the submission's functions came from."""
        if self._sources is None:
            origins = {
                name: Origin(
                    info.get("cell"), info.get("line"), info.get("code_name"), info.get("module")
                )
                for name, info in self.names().items()
                if info["kind"] == "function"
            }
            self._sources = NotebookSources(list(self.completed), origins)
        return self._sources

    def values(self, wanted: list[str], scope: TestScope) -> dict[str, Any]:
        if not wanted:
            return {}
        self.ensure_session()
        reply = self._request(
            {"op": "get", "names": wanted}, self.limits.cell_seconds, wire.MAX_MESSAGE_BYTES
        )
        raw = reply.get("values")
        if type(raw) is not dict:
            raise SessionLost("the submission broke the grading protocol")
        out: dict[str, Any] = {}
        for name in wanted:
            if name in raw:
                out[name] = scope.decode(raw[name], origin=name, top_name=name)
        return out

    def current_handle(self, fn: RemoteFunction, scope: TestScope) -> int:
        if fn._generation == self.generation and self.session is not None and self.session.alive:
            return fn._handle
        if fn._origin is None:
            raise StudentError(
                f"{fn.__name__} is no longer available: the process running your code was restarted"
            )
        fresh = self.values([fn._origin], scope).get(fn._origin)
        if not isinstance(fresh, RemoteFunction):
            raise StudentError(f"{fn._origin} is no longer a function after a restart")
        fn._handle, fn._generation = fresh._handle, fresh._generation
        return fn._handle

    def _line_of_own_copy(self, at: list[int]) -> str:
        """``"\n  line N: <code>"`` read from the grader's copy of the cell, or ``""``."""
        if len(at) != 2 or not 0 <= at[0] < len(self.completed):
            return ""
        lines = self.completed[at[0]].splitlines()
        if not 1 <= at[1] <= len(lines):
            return ""
        return f"\n  line {at[1]}: {lines[at[1] - 1].strip()[:200]}"

    # ---- calls
    def call(
        self,
        fn: RemoteFunction,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        report_inputs: bool,
        scope: TestScope,
    ) -> tuple[Any, tuple[list[Any], dict[str, Any]] | None]:
        """Call a student's function in the sandbox, within the test's time (``scope``)."""
        label = fn.__name__
        try:
            self.ensure_session()
            handle = self.current_handle(fn, scope)
            message = {
                "op": "call",
                "fn": handle,
                "args": remote.encode_argument(list(args)),
                "kwargs": remote.encode_argument(dict(kwargs)),
                "report_inputs": report_inputs,
            }
            budget = self.limits.call_seconds(scope.test_id, label)
            timeout = min(
                self.limits.cell_seconds if budget is None else budget,
                scope.deadline - time.monotonic(),
            )
            if timeout <= 0:
                raise OutOfTime()
            started = time.monotonic()
            reply = wire.call_reply(self._request(message, timeout, wire.MAX_MESSAGE_BYTES))
            self.calls.append((scope.test_id, label, time.monotonic() - started))
        except wire.WireError as exc:
            if self.session is not None:
                self.session.kill()
            raise StudentError(f"calling {label} broke the grading protocol ({exc})") from None
        except SessionLost as lost:
            if lost.timed_out:
                budget = self.limits.call_seconds(scope.test_id, label)
                call_limit = (
                    ""
                    if budget is None or budget >= self.limits.cell_seconds
                    else f"{budget:.1f} s for this call, many times what the reference "
                    "solution needs; "
                )
                raise StudentError(
                    f"{label} did not finish in time ({call_limit}limit "
                    f"{self.limits.cell_seconds:.0f} s per test): is there an "
                    "infinite loop, or a loop that never meets its stopping "
                    "condition?",
                    "Timeout",
                ) from None
            raise StudentError(
                f"calling {label} stopped it: {lost.reason}",
                "ProcessLost",
                f"calling {label} stopped it: {_without_status(lost.reason)}",
            ) from None
        except OutOfTime:
            raise StudentError(
                f"the time budget for grading this notebook ran out before {label} could run",
                "Timeout",
            ) from None
        if not reply["ok"]:
            if reply.get("internal"):
                raise StudentError(f"could not call {label}: {reply.get('error', '')[:300]}")
            trace = reply.get("trace", "")[:2000]
            raised = reply.get("raised", "")[:100]
            text = f"{label} raised {reply.get('error', '')[:1000]}"
            if trace:
                text += "\n" + trace
            # In a hidden test nothing the submission's process wrote is shown: not the
            # message (even of a function the test passed in: the student chose what it
            # was called with), not the trace, not an exception name of its own making.
            kind = raised if known_exception_name(raised) else "an exception"
            own_line = self._line_of_own_copy(reply.get("at", []))
            hidden = (
                f"{label} raised {kind} (its message is not shown: in a hidden test it could "
                "reveal the test's inputs)"
            ) + own_line
            test_says = None
            if reply.get("raised_by_test"):  # e.g. "call f on a tensor that requires grad"
                said = reply.get("error", "").partition(": ")[2][:1000]
                test_says = (said, f"{label} raised {kind}: {said}{own_line}")
            raise StudentError(text, raised, hidden, test_says)
        try:
            result = scope.decode(reply.get("result"), origin=label)
            if report_inputs:
                after = (
                    scope.decode(reply.get("args_after", []), origin=label),
                    scope.decode(reply.get("kwargs_after", {}), origin=label),
                )
                if type(after[0]) is not list or type(after[1]) is not dict:
                    raise wire.WireError("bad input report")
                return result, after
        except (wire.WireError, RecursionError) as exc:
            if self.session is not None:
                self.session.kill()
            raise StudentError(
                f"{label} returned something the grader cannot read ({exc})"
            ) from None
        return result, None


def _strings_of(tree: ast.Module, depth: int = 2) -> set[str]:
    """The string constants a test cell spells out (implicit concatenation joined), also
    inside the source of the functions it passes to the student's code as text."""
    found = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    for text in list(found) if depth else []:
        if "\n" in text and len(text) < 100_000:
            try:
                found |= _strings_of(ast.parse(text), depth - 1)
            except (SyntaxError, ValueError):
                pass
    return found


@functools.cache
def _exception_names() -> frozenset[str]:
    found: set[str] = set()
    todo: list[type] = [BaseException]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += type.__subclasses__(cls)
    return frozenset(found)


def known_exception_name(name: str) -> bool:
    """Whether ``name`` is the name of an exception class of Python or of the grader's own
    libraries (NumPy's ``UFuncTypeError``, ``LinAlgError``, ...): a vocabulary fixed on
    the grader's side, so naming it cannot carry what a hidden test's inputs were."""
    return name in _exception_names()


def _without_status(reason: str) -> str:
    """A process's end without the exit status the student's code chose."""
    return re.sub(r" \(status [^)]*\)", "", reason)


def hidden_lines(source: str) -> range:
    """The lines of a test cell between nbgrader's hidden-test markers (1-based)."""
    lines = source.splitlines()
    begin = [i for i, line in enumerate(lines, 1) if "### BEGIN HIDDEN TESTS" in line]
    end = [i for i, line in enumerate(lines, 1) if "### END HIDDEN TESTS" in line]
    if not begin:
        return range(0)
    return range(begin[0], end[-1] if end else len(lines) + 1)


def _test_cell_line(trace: Any) -> int | None:
    """The line of the test cell that was running when an exception was raised."""
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == TEST_CELL:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


class TestScope:
    """One test cell's view of the submission: its proxies call with the test's deadline.

    Every value a test receives is decoded through its scope, so a function the
    student's function returns (``compose_derivative(...)``) is bound to the same
    deadline; the scope is the :class:`~autograder.remote.Runner` of its proxies.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, submission: Submission, deadline: float, test_id: str = ""):
        self.submission = submission
        self.deadline = deadline
        self.test_id = test_id  # the test cell's grade id: which call budgets apply

    @property
    def generation(self) -> int:
        return self.submission.generation

    @property
    def sources(self) -> NotebookSources:
        return self.submission.sources()

    def decode(self, obj: Any, origin: str, top_name: str | None = None) -> Any:
        return remote.decode(self, obj, origin, top_name)

    def call(
        self,
        fn: RemoteFunction,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        report_inputs: bool,
    ) -> tuple[Any, tuple[list[Any], dict[str, Any]] | None]:
        return self.submission.call(fn, args, kwargs, report_inputs, self)

    def current_handle(self, fn: RemoteFunction) -> int:
        return self.submission.current_handle(fn, self)


# ---------------------------------------------------------------- the runner
def _stream(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name=name, text=text)


def _error(ename: str, message: str) -> NotebookNode:
    if len(message) > MESSAGE_CHARS:  # (a message may quote an answer of any size)
        message = message[:MESSAGE_CHARS] + " ... (message cut)"
    return NotebookNode(
        output_type="error",
        ename=ename,
        evalue=message,
        traceback=[f"{ename}: {message}" if ename else message],
    )


def _cap(text: str, limit: int) -> str:
    if len(text) > limit:
        return text[:limit] + f"\n... output truncated ({len(text) - limit} more characters) ...\n"
    return text


def names_bound_by(tree: ast.AST) -> set[str]:
    """Names a test cell binds itself (imports, assignments, defs): not the student's."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return bound


class NotebookRunner:
    """Run one notebook: student cells in the sandbox, test cells in bounded processes."""

    def __init__(
        self,
        sandbox: Sandbox,
        limits: Limits,
        log: Any = None,
        forbidden_packages: Iterable[str] = FORBIDDEN_PACKAGES,
    ):
        self.sandbox = sandbox
        self.limits = limits
        self.log = log
        self.forbidden_packages = tuple(forbidden_packages)
        self.calls: list[tuple[str, str, float]] = []  # the last run's calls and their times

    def run(self, nb: NotebookNode) -> NotebookNode:
        _preload_in_grader(nb)
        sub = Submission(self.sandbox, self.limits)
        self.calls = sub.calls
        try:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                cell.outputs = []
                cell.execution_count = None
                if is_test_cell(cell):
                    cell.outputs = self.run_test(sub, cell)
                else:
                    cell.outputs = self.run_student(sub, cell)
        finally:
            sub.close()
        return nb

    # ---- student cells
    def run_student(self, sub: Submission, cell: NotebookNode) -> list[NotebookNode]:
        if not cell.source.strip():
            return []
        try:
            reply = sub.exec_cell(cell.source)
        except OutOfTime:
            return [
                _error(
                    "TimeoutError",
                    "not run: the time budget for this notebook "
                    f"({self.limits.notebook_seconds:.0f} s) was used up",
                )
            ]
        except SessionLost as lost:
            if lost.timed_out:
                return [
                    _error(
                        "TimeoutError",
                        f"this cell did not finish within "
                        f"{min(self.limits.cell_seconds, self.limits.notebook_seconds):.0f} s "
                        "and was stopped (infinite loop?)",
                    )
                ]
            return [_error("ProcessLost", f"running this cell stopped the process: {lost.reason}")]
        except SandboxUnavailable:
            raise
        except (StudentError, SandboxError) as exc:
            return [_error("ProcessLost", str(exc))]
        outputs = []
        limit = self.limits.output_chars
        for name in ("stdout", "stderr"):
            text = reply["stdout"] if name == "stdout" else reply["stderr"]
            if text:
                outputs.append(_stream(name, _cap(text, limit)))
        if not reply["ok"]:
            error = (reply.get("error") or "error")[:2000]
            ename, _, evalue = error.partition(": ")
            outputs.append(_error(ename[:100] if evalue else "Error", evalue or error))
        return outputs

    # ---- test cells
    def run_test(self, sub: Submission, cell: NotebookNode) -> list[NotebookNode]:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as exc:
            return [_error("SyntaxError", f"the test cell could not be read ({exc.msg})")]
        try:
            sub.ensure_session()  # (restarting and replaying is this process's job)
        except SandboxUnavailable:
            raise
        except OutOfTime:
            return [
                _error("TimeoutError", "not run: the time budget for this notebook was used up")
            ]
        except (StudentError, SandboxError, SessionLost) as exc:
            return [_error("ProcessLost", str(exc))]
        budget = min(self.limits.cell_seconds, sub.remaining())
        if budget <= 0:
            return [
                _error("TimeoutError", "not run: the time budget for this notebook was used up")
            ]
        deadline = time.monotonic() + budget
        test_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        hidden = hidden_lines(cell.source)
        try:
            answer = run_bounded(
                lambda: self._test_in_child(sub, tree, deadline, hidden, test_id),
                budget + GRACE_SECONDS,
                self.limits.grader_memory_mb * 1024 * 1024,
            )
        except BudgetExceeded as exc:
            sub.kill_session()  # (it may have been halfway through a reply)
            if exc.timed_out:
                message = (
                    f"this test did not finish within its {self.limits.cell_seconds:.0f} s "
                    "in the grader: checking your answer took too long (is it very large, "
                    "or an expression that is expensive to simplify?)"
                )
                return [_error("TimeoutError", message)]
            return [
                _error(
                    "GraderLimit",
                    "the grader could not finish checking this test within its memory "
                    f"budget ({self.limits.grader_memory_mb} MB): is your answer very large?",
                )
            ]
        sub.calls += [
            (str(test), str(name), float(seconds))
            for test, name, seconds in answer.get("calls", [])
        ]
        if answer.get("broken"):
            sub.broken = str(answer["broken"])
        if answer.get("session_lost"):
            sub.kill_session()
        elif hidden:
            sub.renew_session()
        return [NotebookNode(output) for output in answer.get("outputs", [])]

    def _test_in_child(
        self, sub: Submission, tree: ast.Module, deadline: float, hidden: range, test_id: str
    ) -> dict[str, Any]:
        """Run the test (in the bounded child process); outputs as JSON-able dicts, and
        the calls it made with their times (for the parent's :attr:`Submission.calls`)."""
        sub.may_restart = False
        sub.calls = []
        outputs = [dict(o) for o in self._run_test_code(sub, tree, deadline, hidden, test_id)]
        for output in outputs:
            if "traceback" in output:
                output["traceback"] = list(output["traceback"])
        lost = sub.session is None or not sub.session.alive
        return {"outputs": outputs, "session_lost": lost, "broken": sub.broken, "calls": sub.calls}

    def _run_test_code(
        self, sub: Submission, tree: ast.Module, deadline: float, hidden: range, test_id: str
    ) -> list[NotebookNode]:
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        scope = TestScope(sub, deadline=deadline, test_id=test_id)
        captured = io.StringIO()
        try:
            namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": "__main__"}
            student = self._student_names(sub, scope, used)
            self._check_own_code(sub, used - names_bound_by(tree), student)
            namespace.update(student)
            with (
                contextlib.redirect_stdout(captured),
                warnings.catch_warnings(),
                np.errstate(all="ignore"),
            ):
                warnings.simplefilter("ignore")
                exec(compile(tree, TEST_CELL, "exec"), namespace)
        except SandboxUnavailable:
            raise
        except TestFailure as exc:
            failure = _error("TestFailure", str(exc) or "a check in this test failed")
            failure.ename = exc.ename  # "TestFailure[<mistake id>]": read by the class report
            return self._out(captured, failure)
        except StudentError as exc:
            if _test_cell_line(exc.__traceback__) in hidden:
                raised = exc.raised or "Error"
                ename = raised if known_exception_name(raised) else "Error"
                message = exc.in_hidden_test
                if exc.test_says is not None and exc.test_says[0] in _strings_of(tree):
                    message = exc.test_says[1]  # the test's own words, nothing of the student's
                return self._out(captured, _error(ename, message))
            return self._out(captured, _error(exc.raised or "Error", str(exc)))
        except AssertionError as exc:
            return self._out(
                captured, _error("AssertionError", str(exc) or "a check in this test failed")
            )
        except OutOfTime:
            return self._out(
                captured,
                _error("TimeoutError", "not run: the time budget for this notebook was used up"),
            )
        except SessionLost as lost:
            return self._out(captured, _error("ProcessLost", lost.reason))
        except SandboxError as exc:
            return self._out(captured, _error("SandboxError", str(exc)))
        except MemoryError:
            return self._out(
                captured,
                _error(
                    "GraderLimit",
                    "checking your answer needed more memory than the grader allows for one "
                    f"test ({self.limits.grader_memory_mb} MB): is your answer very large?",
                ),
            )
        except Exception as exc:
            message = str(exc).splitlines()[0][:500] if str(exc) else ""
            return self._out(captured, _error(type(exc).__name__, message or type(exc).__name__))
        return self._out(captured, None)

    def _check_own_code(self, sub: Submission, used: set[str], student: dict[str, Any]) -> None:
        """Fail the test if a function of the submission it uses delegates to the
        course's own packages (or cannot be read)."""
        if not self.forbidden_packages:
            return
        functions = sorted(n for n, v in student.items() if isinstance(v, RemoteFunction))
        for name in functions:
            if name in used:
                found = delegation(sub.sources(), name, self.forbidden_packages)
                if found is not None:
                    raise TestFailure(found[1], mistake=found[0])

    def _out(self, captured: io.StringIO, error: NotebookNode | None) -> list[NotebookNode]:
        outputs = []
        text = captured.getvalue()
        if text:
            outputs.append(_stream("stdout", _cap(text, self.limits.output_chars)))
        if error is not None:
            outputs.append(error)
        return outputs

    def _student_names(self, sub: Submission, scope: TestScope, used: set[str]) -> dict[str, Any]:
        wanted = [n for n in used if n not in BUILTIN_NAMES]
        if not wanted:
            return {}
        try:
            kinds = sub.names()
        except SessionLost as exc:
            # the submission broke the process that answers the grader (not one of its
            # functions): every later test would wait for it in vain
            sub.broken = (
                "the submission's code stopped the grader from reading its "
                f"answers ({exc}); no test could run after that"
            )
            raise StudentError(sub.broken) from None
        except StudentError:
            raise
        except OutOfTime:
            raise StudentError("the time budget for grading this notebook ran out") from None
        out: dict[str, Any] = {}
        fetch = []
        for name in wanted:
            info = kinds.get(name)
            if info is None:
                continue
            if info["kind"] == "module":
                module = remote.trusted_module(info.get("module", ""))
                out[name] = module if module is not None else Opaque(None, "module", name)
            else:
                fetch.append(name)
        try:
            out.update(sub.values(fetch, scope))
        except SessionLost as lost:
            sub.broken = (
                "the submission's code stopped the grader from reading its "
                f"answers ({lost.reason}); no test could run after that"
            )
            raise StudentError(sub.broken) from None
        except wire.WireError as exc:
            raise StudentError(
                f"the submission sent something the grader cannot read ({exc})"
            ) from None
        return out
