"""The trusted execution engine: nbgrader's ``Execute`` step, done safely.

:class:`TrustedExecute` replaces nbgrader's ``Execute`` preprocessor in
``Autograde.autograde_preprocessors``. It walks the (already sanitised)
notebook in order:

- a student code cell runs in the sandboxed session (:mod:`autograder.sandbox`),
  with a per-cell and a per-notebook wall-clock budget; its (capped) output is
  kept for the feedback;
- a graded test cell runs *here*, in the grader, in a namespace of its own:
  the names the submission defined appear as plain values or as proxies
  (:mod:`autograder.remote`); builtins, modules and everything the test cells
  defined themselves are the grader's own and cannot be shadowed.

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
import io
import os
import threading
import time
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from nbformat.notebooknode import NotebookNode

from autograder import remote, wire
from autograder.remote import Opaque, RemoteFunction, StudentError
from autograder.sandbox import Sandbox, SandboxError, SandboxUnavailable, Session, SessionLost
from autograder.testing import TestFailure

BUILTIN_NAMES = frozenset(vars(builtins))
MAX_RESTARTS = 8


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
    # a forked grading worker must not share the parent's zygote (its pipes):
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
    """The budgets of one submission: per cell or test, per notebook, memory, output.

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
    ):
        self.cell_seconds = float(cell_seconds)
        self.notebook_seconds = float(notebook_seconds)
        self.memory_mb = int(memory_mb)
        self.output_chars = int(output_chars)
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


# --------------------------------------------------------------- submission
class Submission:
    """One submission's sandboxed process, restarted and replayed when lost."""

    def __init__(self, sandbox: Sandbox, limits: Limits):
        self.sandbox = sandbox
        self.limits = limits
        self.session: Session | None = None
        self.generation = 0
        self.completed: list[str] = []  # sources of the cells that ran to the end
        self.definitions: dict[str, str] = {}  # top-level name -> source of its def
        self.restarts = 0
        self.start_time = time.monotonic()
        self.deadline = self.start_time + limits.notebook_seconds
        self._names: dict[str, wire.NameInfo] | None = None
        self.broken: str | None = None  # set when the grading protocol itself fails
        self.calls: list[tuple[str, str, float]] = []  # (test id, function, seconds) that returned

    # ---- time
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    # ---- session
    def _ensure_session(self) -> None:
        if self.session is not None and self.session.alive:
            return
        if self.broken:
            raise StudentError(self.broken)
        if self.restarts > MAX_RESTARTS:
            raise StudentError("the process running your code was restarted too many times")
        if self.remaining() <= 0:
            raise OutOfTime()
        self.restarts += 1 if self.session is not None else 0
        self.generation += 1
        self._names = None
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
        replay = list(self.completed)
        self.completed = []
        for source in replay:
            reply = self._request({"op": "exec", "source": source}, self.limits.cell_seconds)
            self.completed.append(source)
            del reply

    def _request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        timeout = min(timeout, self.remaining())
        if timeout <= 0:
            raise OutOfTime()
        if self.session is None:
            raise SessionLost("no session to send the request to")
        return self.session.request(message, timeout)

    def close(self) -> None:
        if self.session is not None:
            self.session.end()
            self.session = None

    # ---- cells
    def exec_cell(self, source: str) -> wire.ExecReply:
        self._ensure_session()
        self._names = None
        reply = wire.exec_reply(
            self._request({"op": "exec", "source": source}, self.limits.cell_seconds)
        )
        self.completed.append(source)
        self._record_definitions(source)
        return reply

    def _record_definitions(self, source: str) -> None:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.definitions[node.name] = ast.get_source_segment(source, node) or ""
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.definitions[target.id] = ast.get_source_segment(source, node) or ""

    # ---- names and values
    def names(self) -> dict[str, wire.NameInfo]:
        if self._names is None:
            self._ensure_session()
            reply = self._request({"op": "names"}, self.limits.cell_seconds)
            try:
                self._names = wire.names_reply(reply)["names"]
            except wire.WireError:
                raise SessionLost("the submission broke the grading protocol") from None
        return self._names

    def values(self, wanted: list[str], scope: TestScope) -> dict[str, Any]:
        if not wanted:
            return {}
        self._ensure_session()
        reply = self._request({"op": "get", "names": wanted}, self.limits.cell_seconds)
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
            self._ensure_session()
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
            reply = wire.call_reply(self._request(message, timeout))
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
                f"calling {label} stopped it: {lost.reason}", "ProcessLost"
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
            text = f"{label} raised {reply.get('error', '')[:1000]}"
            if trace:
                text += "\n" + trace
            raise StudentError(text, reply.get("raised", "")[:100])
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
    def definitions(self) -> dict[str, str]:
        return self.submission.definitions

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

    def adopt(self, value: Any) -> Any:
        """``value``, or a proxy kept from an earlier test re-bound to this scope."""
        if isinstance(value, RemoteFunction):
            return value.bound_to(self)
        return value


# ---------------------------------------------------------------- the runner
def _stream(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name=name, text=text)


def _error(ename: str, message: str) -> NotebookNode:
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


class NotebookRunner:
    """Run one notebook: student cells in the sandbox, test cells here."""

    def __init__(self, sandbox: Sandbox, limits: Limits, log: Any = None):
        self.sandbox = sandbox
        self.limits = limits
        self.log = log
        self.calls: list[tuple[str, str, float]] = []  # the last run's calls and their times

    def run(self, nb: NotebookNode) -> NotebookNode:
        sub = Submission(self.sandbox, self.limits)
        self.calls = sub.calls
        trusted: dict[str, Any] = {}
        try:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                cell.outputs = []
                cell.execution_count = None
                if is_test_cell(cell):
                    cell.outputs = self.run_test(sub, cell, trusted)
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
    def run_test(
        self, sub: Submission, cell: NotebookNode, trusted: dict[str, Any]
    ) -> list[NotebookNode]:
        source = cell.source
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            return [_error("SyntaxError", f"the test cell could not be read ({exc.msg})")]
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        test_id = str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        scope = TestScope(
            sub, deadline=time.monotonic() + self.limits.cell_seconds, test_id=test_id
        )
        captured = io.StringIO()
        try:
            namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": "__main__"}
            namespace.update(self._student_names(sub, scope, used, trusted))
            injected = dict(namespace)
            # functions a previous test kept call with this test's deadline
            namespace.update({k: scope.adopt(v) for k, v in trusted.items()})
            with (
                contextlib.redirect_stdout(captured),
                warnings.catch_warnings(),
                np.errstate(all="ignore"),
            ):
                warnings.simplefilter("ignore")
                try:
                    exec(compile(tree, "<test cell>", "exec"), namespace)
                finally:
                    for key, value in namespace.items():
                        if key in ("__builtins__", "__name__"):
                            continue
                        if key in injected and injected[key] is value and key not in trusted:
                            continue
                        trusted[key] = value
        except SandboxUnavailable:
            raise
        except TestFailure as exc:
            failure = _error("TestFailure", str(exc) or "a check in this test failed")
            failure.ename = exc.ename  # "TestFailure[<mistake id>]": read by the class report
            return self._out(captured, failure)
        except StudentError as exc:
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
        except Exception as exc:
            message = str(exc).splitlines()[0][:500] if str(exc) else ""
            return self._out(captured, _error(type(exc).__name__, message or type(exc).__name__))
        return self._out(captured, None)

    def _out(self, captured: io.StringIO, error: NotebookNode | None) -> list[NotebookNode]:
        outputs = []
        text = captured.getvalue()
        if text:
            outputs.append(_stream("stdout", _cap(text, self.limits.output_chars)))
        if error is not None:
            outputs.append(error)
        return outputs

    def _student_names(
        self, sub: Submission, scope: TestScope, used: set[str], trusted: dict[str, Any]
    ) -> dict[str, Any]:
        wanted = [n for n in used if n not in BUILTIN_NAMES and n not in trusted]
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
