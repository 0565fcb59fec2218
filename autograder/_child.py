"""The untrusted side of the grader: runs inside the sandbox, never in the grader.

Started by :mod:`autograder.sandbox` as a *zygote*: it imports the heavy libraries
once (NumPy, SymPy, PyTorch, IPython), makes itself non-dumpable (nothing it starts
can ptrace it or read its memory), then waits on its control socket. Under
bubblewrap the zygote is process 1 of the sandbox's PID namespace and nothing else
runs there between submissions.

For every submission the grader sends a fresh socket and the zygote starts a
*session* on it, in namespaces of its own (:func:`_start_isolated_session`):

- a new user namespace (so that the rest can be set up without privileges on the
  machine), mount namespace, IPC namespace and PID namespace;
- fresh, empty ``/tmp`` and ``/dev/shm`` (tmpfs), the rest of the filesystem
  read-only, so nothing one submission writes can reach the next;
- a tiny init (process 1 of the new PID namespace) that starts the session and,
  when it ends, reports how and exits: the kernel then kills everything the
  submission started. The session runs with no capabilities, cannot create user
  namespaces, and cannot see, signal or ptrace the zygote (it is in no PID namespace
  the session can address, and it is not dumpable);
- a random working directory that is not on ``sys.path``.

The session runs the submission's cells (``exec``), lists the names it defined and
where each function's code came from (``names``), sends values as plain data
(``get``, see :mod:`autograder.wire`) and calls its functions (``call``).

When the grader ends a session, the zygote kills every process of its PID namespace
but itself and checks that what it owns is as it was at the start (its ``/tmp``,
``/dev/shm``, processes, IPC objects); if not, it says so and the grader replaces the
whole sandbox.

Nothing here is trusted: a submission can rewrite any of it in its own process.
The grader only ever reads plain data back, with size limits and a deadline.
"""

from __future__ import annotations

import ctypes
import functools
import io
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import types
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
CELL_FILE = re.compile(r"^<ipython-input-(\d+)-")
# What a function's origin is read through, captured before any submission runs: a
# submission can rebind these names (in builtins too), not these objects.
_TYPE = type
_PLAIN_FUNCTION = types.FunctionType
_PARTIAL = functools.partial
_BUILTIN_FUNCTION = types.BuiltinFunctionType
_CLASS_MRO = type.__dict__["__mro__"].__get__
_CLASS_DICT = type.__dict__["__dict__"].__get__
_PARTIAL_FUNC = functools.partial.func.__get__
# the origin of a callable whose code cannot be read (see autograder.sources)
UNVERIFIABLE_ORIGIN = {"module": "<unverifiable>"}

# Linux constants (the same on every architecture this course runs on)
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18
SYS_OPEN_TREE, SYS_MOVE_MOUNT = 428, 429
OPEN_TREE_CLONE, AT_RECURSIVE, O_CLOEXEC = 1, 0x8000, 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 4
AT_FDCWD = -100
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
SESSION_TMPFS = "size=256m,mode=1777"


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

    def __init__(self, shell: Any, fd: int):
        self.shell = shell
        self.fd = fd
        self.handles: dict[int, object] = {}
        self.next_handle = 1
        self.out = CappedWriter()
        self.err = CappedWriter()
        self.cell_of_count: dict[int, int] = {}  # IPython execution count -> grader's cell

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
        wire.write_message(self.fd, {"ready": True})
        while True:
            try:
                request = wire.read_message(self.fd)
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
                wire.write_message(self.fd, reply)
            except wire.WireError:
                wire.write_message(
                    self.fd,
                    {"ok": False, "error": "the reply was too large", "internal": True},
                )

    def _redirect(self) -> None:
        sys.stdout, sys.stderr = self.out, self.err

    def op_exec(self, request: dict[str, Any]) -> dict[str, Any]:
        self._redirect()
        count = self.shell.execution_count
        result = self.shell.run_cell(request["source"], store_history=True, silent=False)
        if type(request.get("cell")) is int:
            self.cell_of_count[count] = request["cell"]
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

    def _raised_at(self, exc: BaseException) -> list[int]:
        """The grader's cell and line of the innermost frame in the submission's cells
        (numbers only: the grader shows that line from its own copy of the cell)."""
        try:
            for frame in reversed(traceback.extract_tb(exc.__traceback__)):
                match = CELL_FILE.match(frame.filename)
                cell = self.cell_of_count.get(int(match.group(1))) if match else None
                if cell is not None and frame.lineno:
                    return [int(cell), int(frame.lineno)]
        except BaseException:
            pass
        return []

    def _origin(self, value: Any) -> dict[str, Any]:
        """Where a function's code came from: the grader's cell and line, or a module.

        Only a real ``functools.partial`` is followed to its ``func``; any other callable
        that is not a plain function is judged by its class's ``__call__`` when that is
        a plain function (a cell's code object, reported as ``__call__``), else it is
        unverifiable: an object's own ``func`` or ``__module__`` proves nothing.
        """
        target = value
        for _ in range(100):  # (a partial of a partial ...)
            if _TYPE(target) is not _PARTIAL:
                break
            target = _PARTIAL_FUNC(target)
        kind = _TYPE(target)
        if kind is _BUILTIN_FUNCTION:  # C code: its module is set by the extension
            module = target.__module__
            return {"module": module[:200]} if _TYPE(module) is str else UNVERIFIABLE_ORIGIN
        if kind is not _PLAIN_FUNCTION:
            call = next(
                (
                    _CLASS_DICT(c)["__call__"]
                    for c in _CLASS_MRO(kind)
                    if "__call__" in _CLASS_DICT(c)
                ),
                None,
            )
            if _TYPE(call) is not _PLAIN_FUNCTION:
                return UNVERIFIABLE_ORIGIN
            target = call
        code = target.__code__
        if _TYPE(code) is types.CodeType:
            match = CELL_FILE.match(code.co_filename)
            cell = self.cell_of_count.get(int(match.group(1))) if match else None
            if cell is not None:
                return {"cell": cell, "line": code.co_firstlineno, "code_name": code.co_name}
            if kind is not _PLAIN_FUNCTION:  # a __call__ from no cell: nothing to read
                return UNVERIFIABLE_ORIGIN
        module = target.__module__
        return {"module": module[:200]} if _TYPE(module) is str else UNVERIFIABLE_ORIGIN

    def op_names(self) -> dict[str, Any]:
        kinds: dict[str, dict[str, Any]] = {}
        for name, value in self._user_names().items():
            if isinstance(value, types.ModuleType):
                kinds[name] = {"kind": "module", "module": str(value.__name__)[:200]}
            elif callable(value):
                kinds[name] = {"kind": "function", **self._origin(value)}
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
                "at": self._raised_at(exc),
                "raised_by_test": _raised_by_test(exc),
            }
        # what the function printed while a test called it stays here: it may show the
        # test's inputs, which are not the student's to see
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


def _raised_by_test(exc: BaseException) -> bool:
    """Whether the exception came from a function the test passed in (``portable``): its
    message is then the instructor's, e.g. "call f on a tensor that requires grad"."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
        return bool(frames) and frames[-1].filename == "<portable>"
    except BaseException:
        return False


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


# ------------------------------------------------------------------ the kernel's API
_LIBC = ctypes.CDLL(None, use_errno=True)
_LIBC.syscall.restype = ctypes.c_long


def _checked(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")
    return result


def _prctl(option: int, arg: int = 0) -> int:
    prctl = getattr(_LIBC, "prctl", None)  # (Linux only: without it, nothing to set)
    return -1 if prctl is None else int(prctl(option, ctypes.c_ulong(arg), 0, 0, 0))


def _set_dumpable(flag: int) -> None:
    _prctl(PR_SET_DUMPABLE, flag)


def _set_parent_death_signal() -> None:
    """Die with SIGKILL when the parent process goes away."""
    _prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _checked(
        _LIBC.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _detached_copy(path: str) -> int:
    """A detached copy of the mount tree at ``path`` (open_tree), to attach elsewhere."""
    flags = OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC
    return _checked(
        int(_LIBC.syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(), ctypes.c_uint(flags))),
        f"open_tree {path}",
    )


def _attach(fd: int, target: str) -> None:
    _checked(
        int(
            _LIBC.syscall(
                SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, target.encode(), MOVE_MOUNT_F_EMPTY_PATH
            )
        ),
        f"move_mount {target}",
    )


def _enter_namespaces() -> None:
    """New user, mount, IPC and PID namespaces (the PID one for the next child), the
    same user and group inside as outside."""
    uid, gid = os.getuid(), os.getgid()
    _checked(
        int(_LIBC.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID)), "unshare"
    )
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1")):
        with open(f"/proc/self/{name}", "w") as fh:
            fh.write(text)
    with open("/proc/self/gid_map", "w") as fh:
        fh.write(f"{gid} {gid} 1")


def _fresh_scratch_space(mounts: list[str]) -> None:
    """Empty tmpfs on /tmp and /dev/shm in this mount namespace only. Mounts that live
    under /tmp (a checkout or virtual environment there) are carried over."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    under = [m for m in mounts if m.startswith("/tmp/")]
    top = [m for m in under if not any(m.startswith(o + "/") for o in under if o != m)]
    carried = [(m, _detached_copy(m)) for m in top]
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, SESSION_TMPFS)
    for path, fd in carried:
        os.makedirs(path, exist_ok=True)
        _attach(fd, path)
        os.close(fd)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, SESSION_TMPFS)
    # the submission may not make user namespaces of its own (this one's limit)
    with open("/proc/sys/user/max_user_namespaces", "w") as fh:
        fh.write("0")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_privileges() -> None:
    """No capabilities left, none to regain (bounding set empty, no new privileges)."""
    for cap in range(64):
        if _prctl(PR_CAPBSET_DROP, cap) < 0 and ctypes.get_errno() == 22:  # EINVAL: no such cap
            break
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    empty = (_CapData * 2)()
    _checked(int(_LIBC.capset(ctypes.byref(header), empty)), "capset")
    _checked(_prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")


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


def _apply_limits(limits: dict[str, int], isolated: bool) -> None:
    tasks = int(limits.get("extra_tasks", 0))
    if tasks and isolated:
        # memory limits are per process: bound the number of processes (and threads)
        # the submission may add, so that forking cannot multiply its memory
        total = _tasks_in_namespace() + tasks
        resource.setrlimit(resource.RLIMIT_NPROC, (total, total))
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


def _session_main(
    shell: Any, limits: dict[str, int], fd: int, workdir: str, isolated: bool
) -> None:
    """Become the submission's process: limits, its working directory, seeds."""
    os.setsid()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _apply_limits(limits, isolated)
    os.makedirs(workdir)
    os.chdir(workdir)
    # (the working directory is not on sys.path: a file written there cannot shadow a module)
    sys.path[:] = [p for p in sys.path if p not in ("", ".", workdir)]
    _set_dumpable(1)
    # same seed every run: a submission that uses unseeded randomness is still graded
    # the same way each time
    import random

    random.seed(0)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(0)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    Session(shell, fd).serve()


def _status_word(status: int) -> bytes:
    """A child's wait status as 8 bytes: (signal, exit code)."""
    if os.WIFSIGNALED(status):
        return struct.pack(">ii", os.WTERMSIG(status), 0)
    return struct.pack(">ii", 0, os.waitstatus_to_exitcode(status))


def _report_death(fd: int, word: bytes) -> None:
    """Tell the grader how the session ended (after anything it was still sending)."""
    sig, code = struct.unpack(">ii", word)
    try:
        wire.write_message(fd, {"died": True, "signal": sig or None, "code": None if sig else code})
    except (wire.ChannelClosed, OSError):
        pass


def _init_main(session_pid: int, fd: int) -> None:
    """Process 1 of the session's PID namespace: reap orphans until the session ends,
    report its end, and exit, which makes the kernel kill whatever it left behind."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(0)
        if pid == session_pid:
            _report_death(fd, _status_word(status))
            os._exit(0)


def _start_isolated_session(
    shell: Any, limits: dict[str, int], fd: int, workdir: str, mounts: list[str]
) -> None:
    """In the zygote's child: new namespaces, fresh scratch space, an init, the session.

    This process stays outside the new PID namespace and exits when its init does.
    """
    try:
        _enter_namespaces()
        _fresh_scratch_space(mounts)
    except OSError as exc:
        wire.write_message(fd, {"ready": False, "error": f"could not isolate the session: {exc}"})
        os._exit(3)
    init = os.fork()
    if init == 0:
        session = os.fork()
        if session == 0:
            _drop_privileges()
            _session_main(shell, limits, fd, workdir, isolated=True)
            os._exit(0)
        # (process 1: signals from the session are ignored unless handled, so handle none)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        _set_dumpable(0)
        _init_main(session, fd)
    os.close(fd)
    try:
        os.waitpid(init, 0)
    except ChildProcessError:
        pass
    os._exit(0)


# ---------------------------------------------------------------------- zygote
def _own_pid_namespace(grader_ns: str) -> bool:
    """Whether this zygote really is process 1 of a PID namespace of its own.

    The grader passes the id of *its* PID namespace; under bubblewrap (``--as-pid-1``)
    the zygote's differs and the zygote is its process 1. Only then may it signal
    every process it can see: outside a sandbox those would be the machine's processes.
    """
    try:
        mine = os.readlink("/proc/self/ns/pid")
    except OSError:
        return False
    return bool(grader_ns) and mine != grader_ns and os.getpid() == 1


def _reap_all() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _kill_namespace() -> int:
    """Kill every process of the sandbox's PID namespace but this zygote (process 1);
    how many there were, or -1 if processes keep appearing."""
    for _ in range(50):
        others = [int(e) for e in os.listdir("/proc") if e.isdigit() and e != "1"]
        if not others:
            return 0
        try:
            os.kill(-1, signal.SIGKILL)  # (process 1 itself is never signalled)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            _reap_all()
            if not [e for e in os.listdir("/proc") if e.isdigit() and e != "1"]:
                return len(others)
            time.sleep(0.002)
    return -1


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


def _snapshot() -> dict[str, Any]:
    """What the zygote owns that no session may change: checked after each session."""
    state: dict[str, Any] = {"tmp": sorted(os.listdir("/tmp"))}
    for place in ("/dev/shm", "/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg"):
        try:
            state[place] = (
                sorted(os.listdir(place))
                if os.path.isdir(place)
                else open(place).read().splitlines()[1:]
            )
        except OSError:
            state[place] = None
    with open("/proc/self/mountinfo") as fh:
        state["mounts"] = sorted(line.split()[4] for line in fh if len(line.split()) > 4)
    return state


def zygote_main(argv: list[str]) -> None:
    """argv: CONTROL_FD PRELOAD MODE GRADER_PID_NS.

    MODE is ``isolated`` (under bubblewrap) or ``plain``; in ``isolated`` mode the
    zygote refuses to run unless it is process 1 of a PID namespace of its own.
    """
    ctrl = int(argv[0])
    preload = [m for m in argv[1].split(",") if m] if len(argv) > 1 else []
    mode = argv[2] if len(argv) > 2 else "plain"
    grader_ns = argv[3] if len(argv) > 3 else ""
    isolated = mode == "isolated" and _own_pid_namespace(grader_ns)
    if mode == "isolated" and not isolated:
        wire.write_message(ctrl, {"ready": False, "error": "not in a PID namespace of its own"})
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
            torch = sys.modules["torch"]
            torch.set_num_threads(1)
            # the first optimizer imports a good part of torch (seconds): once, here
            torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        except Exception:
            pass
    shell = _make_shell()
    _set_dumpable(0)
    ctrl_socket = socket.socket(fileno=ctrl)
    write_lock = threading.Lock()

    def say(message: dict[str, Any]) -> None:
        with write_lock:
            wire.write_message(ctrl, message)

    def report_plain_death(pid: int, fd: int) -> None:
        # without namespaces there is no init to report the session's end: this thread
        # does, on the session's socket (WNOWAIT: its pid stays reserved until "end")
        try:
            info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            info = None
        if info is not None:
            killed = info.si_code in (os.CLD_KILLED, os.CLD_DUMPED)
            word = struct.pack(
                ">ii", info.si_status if killed else 0, 0 if killed else info.si_status
            )
            _report_death(fd, word)
        os.close(fd)

    baseline = _snapshot() if isolated else {}
    say({"ready": True, "isolated": isolated, "preloaded": sorted(set(preload) & set(sys.modules))})
    mounts = baseline.get("mounts", [])
    child: tuple[int, str] | None = None
    while True:
        try:
            msg = wire.read_message(ctrl)
        except (wire.ChannelClosed, wire.WireError):
            os._exit(0)
        op = msg.get("op")
        if op == "fork":
            try:
                _, fds, _, _ = socket.recv_fds(ctrl_socket, 1, 1)
            except OSError:
                fds = []
            if len(fds) != 1:
                for extra in fds:
                    os.close(extra)
                say({"forked": False, "error": "no socket for the session"})
                continue
            fd = fds[0]
            # a random working directory (in the session's own /tmp when isolated)
            workdir = os.path.join(base, "work-" + secrets.token_hex(8))
            limits = msg.get("limits", {})
            pid = os.fork()
            if pid == 0:
                try:
                    os.close(ctrl)
                    if isolated:
                        _start_isolated_session(shell, limits, fd, workdir, mounts)
                    else:
                        _set_parent_death_signal()
                        _session_main(shell, limits, fd, workdir, isolated=False)
                finally:
                    os._exit(0)
            child = (pid, workdir)
            if isolated:
                os.close(fd)
            else:
                threading.Thread(target=report_plain_death, args=(pid, fd), daemon=True).start()
            say({"forked": True})
        elif op == "end":
            if isolated:
                killed = _kill_namespace()
                clean = killed >= 0 and _snapshot() == baseline
            else:
                killed = _kill_session(child[0]) if child is not None else 0
                if child is not None:
                    shutil.rmtree(child[1], ignore_errors=True)
                clean = True
            child = None
            say({"ended": True, "clean": clean, "strays": killed})
        else:
            say({"error": f"unknown op {op!r}"})


if __name__ == "__main__":
    zygote_main(sys.argv[1:])
