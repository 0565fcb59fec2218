"""The untrusted side of the grader: runs inside the sandbox, never in the grader.

Started by :mod:`autograder.sandbox` as a *zygote*: it imports the heavy
libraries once (NumPy, SymPy, PyTorch, IPython), makes itself non-dumpable (so
the submissions it forks cannot ptrace it or read its memory), then waits on its
control channel. For every submission it forks a *session*: a fresh process with
resource limits, seeded random generators and a fresh IPython shell, which

- runs the submission's code cells on request (``exec``),
- lists the names the submission defined (``names``) and sends their values
  (``get``) as plain data (see :mod:`autograder.wire`),
- calls the submission's functions with plain-data arguments (``call``).

Nothing here is trusted: a submission can rewrite any of it in its own process.
The grader only ever reads plain data back, with size limits and a deadline.
"""

from __future__ import annotations

import ctypes
import io
import os
import resource
import signal
import sys
import traceback
from typing import Any

from autograder import wire
from autograder.portable import portable

HIDDEN_NAMES = {
    "In",
    "Out",
    "exit",
    "quit",
    "get_ipython",
    "_",
    "__",
    "___",
    "_i",
    "_ii",
    "_iii",
    "_oh",
    "_dh",
    "_sh",
    "__builtins__",
    "__name__",
    "__doc__",
    "__package__",
    "__loader__",
    "__spec__",
    "__builtin__",
}
OUTPUT_CAP = 64 * 1024


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters and drops the rest."""

    def __init__(self, cap: int = OUTPUT_CAP):
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        text = str(text)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... {self.dropped} more characters of output not kept ...\n"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


class Session:
    """One submission's process: executes cells and serves calls."""

    def __init__(self, shell: Any, req_fd: int, resp_fd: int):
        self.shell = shell
        self.req_fd = req_fd
        self.resp_fd = resp_fd
        self.handles: dict[int, object] = {}
        self.next_handle = 1
        self.out = CappedWriter()
        self.err = CappedWriter()

    # ---- handles and encoding
    def handle_for(self, obj: Any) -> int:
        for hid, known in self.handles.items():
            if known is obj:
                return hid
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        return hid

    def encode(self, value: Any) -> Any:
        return wire.encode_plain(self._to_plain(value), self._encode_other)

    def _to_plain(self, value: Any) -> Any:
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.Tensor):
            try:
                tensor = value.detach().cpu().resolve_conj().resolve_neg()
            except Exception:
                return value
            try:
                return tensor.numpy().copy()
            except Exception:  # a dtype NumPy has no match for (bfloat16, ...)
                pass
            try:
                wider = torch.complex128 if tensor.is_complex() else torch.float64
                return tensor.to(wider).numpy().copy()
            except Exception:
                return value
        return value

    def _encode_other(self, value: Any) -> Any:
        plain = self._to_plain(value)
        if plain is not value:  # a torch tensor, now a NumPy array
            return wire.encode_plain(plain, self._encode_other)
        builtin_types: tuple[type[Any], ...] = (bool, int, float, complex, str, tuple, list, dict)
        for base in builtin_types:
            if isinstance(value, base):
                # a subclass of a builtin type: only the builtin value crosses
                try:
                    return wire.encode_plain(base(value), self._encode_other)
                except Exception:
                    break
        np = sys.modules.get("numpy")
        if np is not None and isinstance(value, (np.ndarray, np.generic)):
            if isinstance(value, np.ndarray) and value.dtype == object:
                try:
                    return wire.encode_plain(value.tolist(), self._encode_other)
                except Exception:
                    pass
            return {"__t": "obj", "id": self.handle_for(value), "type": type(value).__name__}
        sympy = sys.modules.get("sympy")
        if sympy is not None and isinstance(value, (sympy.Basic, sympy.MatrixBase)):
            try:
                return {"__t": "sym", "tree": wire.sympy_to_tree(value)}
            except (wire.WireError, RecursionError):
                pass
        if callable(value):
            name = getattr(value, "__name__", type(value).__name__)
            return {"__t": "fn", "id": self.handle_for(value), "name": str(name)[:100]}
        return {"__t": "obj", "id": self.handle_for(value), "type": type(value).__name__[:100]}

    def decode(self, obj: Any) -> Any:
        return wire.decode_plain(obj, self._decode_tagged)

    def _decode_tagged(self, obj: dict[str, Any], depth: int) -> Any:
        tag = obj.get("__t")
        if tag in ("fnref", "ref"):
            return self.handles[obj["id"]]
        if tag == "portable":
            return portable(obj["source"], obj.get("name"))
        if tag == "sym":
            return wire.tree_to_sympy(obj["tree"])
        if tag == "tensor":
            import torch

            arr = wire.decode_array(obj["array"])
            t = torch.from_numpy(arr)
            if obj.get("requires_grad"):
                t.requires_grad_(True)
            return t
        raise wire.WireError(f"unknown tag {tag!r}")

    # ---- requests
    def serve(self) -> None:
        while True:
            try:
                request = wire.read_message(self.req_fd)
            except (wire.ChannelClosed, wire.WireError):
                os._exit(0)
            op = request.get("op")
            try:
                if op == "exec":
                    reply = self.op_exec(request)
                elif op == "names":
                    reply = self.op_names()
                elif op == "get":
                    reply = self.op_get(request)
                elif op == "call":
                    reply = self.op_call(request)
                elif op == "bye":
                    os._exit(0)
                else:
                    reply = {"ok": False, "error": f"unknown op {op!r}"}
            except BaseException as exc:
                reply = {"ok": False, "error": _one_line(exc), "internal": True}
            try:
                wire.write_message(self.resp_fd, reply)
            except wire.WireError:
                wire.write_message(
                    self.resp_fd,
                    {"ok": False, "error": "the reply was too large", "internal": True},
                )

    def _redirect(self) -> None:
        sys.stdout, sys.stderr = self.out, self.err

    def op_exec(self, request: dict[str, Any]) -> dict[str, Any]:
        self._redirect()
        result = self.shell.run_cell(request["source"], store_history=True, silent=False)
        error = result.error_before_exec or result.error_in_exec
        reply = {"ok": error is None, "stdout": self.out.take(), "stderr": self.err.take()}
        if error is not None:
            reply["error"] = _one_line(error)
        return reply

    def _user_names(self) -> dict[str, Any]:
        ns = self.shell.user_ns
        hidden = set(self.shell.user_ns_hidden)
        return {
            k: v
            for k, v in list(ns.items())
            if type(k) is str
            and k not in HIDDEN_NAMES
            and k not in hidden
            and not (k.startswith("_i") and k[2:].isdigit())
            and not (k.startswith("_") and k[1:].isdigit())
        }

    def op_names(self) -> dict[str, Any]:
        import types

        kinds = {}
        for name, value in self._user_names().items():
            if isinstance(value, types.ModuleType):
                kinds[name] = {"kind": "module", "module": str(value.__name__)[:200]}
            elif callable(value) and not isinstance(value, type) or isinstance(value, type):
                kinds[name] = {"kind": "function"}
            else:
                kinds[name] = {"kind": "value"}
        return {"ok": True, "names": kinds}

    def op_get(self, request: dict[str, Any]) -> dict[str, Any]:
        values = {}
        names = self._user_names()
        for name in request["names"]:
            if name in names:
                try:
                    values[name] = self.encode(names[name])
                    if len(str(values[name])) > wire.MAX_MESSAGE_BYTES // 4:
                        raise wire.WireError("too large to send")
                except (wire.WireError, RecursionError):
                    values[name] = {
                        "__t": "obj",
                        "id": self.handle_for(names[name]),
                        "type": type(names[name]).__name__,
                    }
        return {"ok": True, "values": values}

    def op_call(self, request: dict[str, Any]) -> dict[str, Any]:
        self._redirect()
        fn: Any = self.handles.get(request["fn"])
        if fn is None:
            return {"ok": False, "error": "unknown function handle", "internal": True}
        args = self.decode(request["args"])
        kwargs = self.decode(request["kwargs"])
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            self.out.take()
            self.err.take()
            return {
                "ok": False,
                "error": _one_line(exc),
                "raised": type(exc).__name__[:100],
                "trace": _student_trace(exc),
            }
        self.out.take()
        self.err.take()
        reply = {"ok": True, "result": self.encode(result)}
        if request.get("report_inputs"):
            reply["args_after"] = self.encode(list(args))
            reply["kwargs_after"] = self.encode(dict(kwargs))
        return reply


def _one_line(exc: BaseException) -> str:
    try:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    except BaseException:
        text = type(exc).__name__
    return text[-2000:]


def _student_trace(exc: BaseException) -> str:
    """The traceback lines inside the submission's own cells (no grader frames)."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
        lines = [
            f"  line {f.lineno}: {(f.line or '').strip()}"
            for f in frames
            if "ipython-input" in f.filename
            or f.filename.startswith("<")
            or "/tmp/ipykernel" in f.filename
        ]
        return "\n".join(lines[-6:])[:2000]
    except BaseException:
        return ""


# ---------------------------------------------------------------------- zygote
def _set_dumpable(flag: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, flag, 0, 0, 0)  # PR_SET_DUMPABLE
    except Exception:
        pass


def _data_size_bytes() -> int:
    """Current private writable memory (what RLIMIT_DATA counts), from /proc."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _make_shell() -> Any:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "NoColor"
    cfg.InteractiveShell.xmode = "Plain"
    return InteractiveShell.instance(config=cfg)


def _tasks_in_namespace() -> int:
    """Processes and threads in the sandbox right now (what RLIMIT_NPROC counts there)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return count


def _session_main(
    shell: Any,
    limits: dict[str, int],
    req_fd: int,
    resp_fd: int,
    workdir: str,
    isolated: bool = False,
) -> None:
    _set_dumpable(1)
    os.setsid()
    tasks = int(limits.get("extra_tasks", 0))
    if tasks and isolated:
        # memory limits are per process: bound the number of processes (and threads)
        # the submission may add, so that forking cannot multiply its memory. In the
        # sandbox's user namespace this counts only the sandbox's own tasks.
        total = _tasks_in_namespace() + tasks
        resource.setrlimit(resource.RLIMIT_NPROC, (total, total))
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    memory = int(limits.get("memory_bytes", 0))
    if memory:
        limit = _data_size_bytes() + memory
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    cpu = int(limits.get("cpu_seconds", 0))
    if cpu:
        used = resource.getrusage(resource.RUSAGE_SELF)
        total = int(used.ru_utime + used.ru_stime) + cpu
        resource.setrlimit(resource.RLIMIT_CPU, (total, total + 1))
    fsize = int(limits.get("file_bytes", 0))
    if fsize:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    sys.path[:0] = [workdir]
    # same seed every run: a submission that uses unseeded randomness is still graded
    # the same way each time
    import random

    random.seed(0)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(0)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    Session(shell, req_fd, resp_fd).serve()


def _own_pid_namespace(grader_ns: str) -> bool:
    """Whether this zygote really runs in a PID namespace of its own (bubblewrap's).

    The grader passes the id of *its* PID namespace; under bubblewrap the zygote's
    differs and the zygote is process 2, a child of bubblewrap's init (process 1).
    Only then may it signal every process it can see and empty /tmp: outside a
    sandbox those would be the machine's processes and the machine's /tmp.
    """
    try:
        mine = os.readlink("/proc/self/ns/pid")
    except OSError:
        return False
    return bool(grader_ns) and mine != grader_ns and os.getpid() == 2 and os.getppid() == 1


def _kill_namespace() -> int:
    """Kill every process in the sandbox's PID namespace except its init and this zygote.

    Only ever called after :func:`_own_pid_namespace` said yes. Returns how many
    distinct processes there were (1 = just the session), or -1 when processes
    keep appearing (the grader then restarts the whole sandbox).
    """
    import time

    me = os.getpid()
    seen: set[int] = set()
    for _ in range(20):
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in (1, me):
                found.append(int(entry))
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        seen.update(found)
        _reap_all()
        if not found:
            return len(seen)
        time.sleep(0.005)
    return -1


def _reap_all() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _kill_session(pid: int) -> int:
    """Without a sandbox: kill the session (and its process group) and reap it.

    The session has not been reaped yet (its watcher waits with WNOWAIT), so its
    pid, which is also its process group id, cannot belong to anyone else.
    Processes that the submission moved to a session of their own escape this:
    that is why a class is graded only with bubblewrap.
    """
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    return 1


def _wipe(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _set_parent_death_signal() -> None:
    """Die with SIGKILL when the parent process goes away (PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except Exception:
        pass


def zygote_main(argv: list[str]) -> None:
    """argv: ctrl_in ctrl_out req resp PRELOAD MODE GRADER_PID_NS.

    MODE is ``isolated`` (under bubblewrap) or ``plain``; in ``isolated`` mode the
    zygote refuses to run unless it is in a PID namespace of its own.
    """
    ctrl_in, ctrl_out, req_fd, resp_fd = (int(a) for a in argv[:4])
    preload = [m for m in argv[4].split(",") if m] if len(argv) > 4 else []
    mode = argv[5] if len(argv) > 5 else "plain"
    grader_ns = argv[6] if len(argv) > 6 else ""
    isolated = mode == "isolated" and _own_pid_namespace(grader_ns)
    if mode == "isolated" and not isolated:
        wire.write_message(ctrl_out, {"ready": False, "error": "not in a PID namespace of its own"})
        os._exit(3)
    if not isolated:
        _set_parent_death_signal()
    base = "/tmp" if isolated else os.getcwd()
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in preload:
        try:
            __import__(name)
        except Exception:
            pass
    if "torch" in sys.modules:
        try:
            sys.modules["torch"].set_num_threads(1)
        except Exception:
            pass
    shell = _make_shell()
    _set_dumpable(0)
    import threading

    write_lock = threading.Lock()
    ending: set[int] = set()

    def say(message: dict[str, Any]) -> None:
        with write_lock:
            wire.write_message(ctrl_out, message)

    def watch(pid: int) -> None:
        # tell the grader at once when the session dies (os._exit, a signal, the
        # memory limit...): its reply pipe stays open here, so it would not see EOF.
        # WNOWAIT: the session stays a zombie (its pid reserved) until "end" reaps it.
        try:
            info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            return
        if pid in ending or info is None:
            return
        killed = info.si_code in (os.CLD_KILLED, os.CLD_DUMPED)
        say(
            {
                "died": True,
                "signal": info.si_status if killed else None,
                "code": None if killed else info.si_status,
            }
        )

    say({"ready": True, "isolated": isolated, "preloaded": sorted(set(preload) & set(sys.modules))})
    serial = 0
    child = None
    if isolated:
        with open("/proc/self/mountinfo") as fh:
            mounts = [line.split()[4] for line in fh if len(line.split()) > 4]
    while True:
        try:
            msg = wire.read_message(ctrl_in)
        except (wire.ChannelClosed, wire.WireError):
            os._exit(0)
        op = msg.get("op")
        if op == "fork":
            serial += 1
            workdir = os.path.join(base, f"work{serial}")
            pid = os.fork()
            if pid == 0:
                try:
                    os.close(ctrl_in)
                    os.close(ctrl_out)
                    if not isolated:
                        _set_parent_death_signal()
                    _session_main(shell, msg.get("limits", {}), req_fd, resp_fd, workdir, isolated)
                finally:
                    os._exit(0)
            child = (pid, workdir)
            threading.Thread(target=watch, args=(pid,), daemon=True).start()
            say({"forked": True})
        elif op == "end":
            if child is not None:
                ending.add(child[0])
            if isolated:
                killed = _kill_namespace()
            else:
                killed = _kill_session(child[0]) if child is not None else 0
            if child is not None:
                _wipe(child[1])
            if isolated:
                # the sandbox's private /tmp (a tmpfs): whatever the session left there
                for entry in os.listdir("/tmp"):
                    path = os.path.join("/tmp", entry)
                    if not os.path.ismount(path) and not any(
                        m.startswith(path + "/") for m in mounts
                    ):
                        _wipe(path)
            child = None
            say({"ended": True, "strays": killed})
        else:
            say({"error": f"unknown op {op!r}"})


if __name__ == "__main__":
    zygote_main(sys.argv[1:])
