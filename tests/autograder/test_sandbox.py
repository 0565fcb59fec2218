"""The sandbox: namespaces, limits, a clean slate for every session, nothing outside a
session within its reach, and the zygote's refusal to run unsandboxed."""

from __future__ import annotations

import os

import pytest

from tests.autograder.conftest import ROOT, requires_bwrap

pytestmark = [pytest.mark.grading, requires_bwrap]


@pytest.fixture(scope="module")
def sandbox():
    from autograder.sandbox import Sandbox

    sb = Sandbox(preload=("numpy",), isolate=True)
    sb.start()
    yield sb
    sb.close()


def run_in(sandbox, source):
    session = sandbox.session({"memory_bytes": 256 * 1024**2, "cpu_seconds": 30})
    try:
        return session.request({"op": "exec", "source": source}, 20)
    finally:
        session.end()


def test_sandbox_cannot_see_instructor_files_or_the_network(sandbox, tmp_path):
    gradebook = tmp_path / "course" / "gradebook.db"  # an instructor's gradebook
    gradebook.parent.mkdir()
    gradebook.write_text("secret")
    os.environ["AUTOGRADER_SECRET_FOR_TEST"] = "do-not-leak"
    reply = run_in(
        sandbox,
        f"""
import os, socket, glob
root = {str(ROOT)!r}
print("uid", os.getuid())
print("entries", sorted(os.listdir(root)))
for rel in ("solutions", "tests", "pyproject.toml", "exercises"):
    print(rel, os.path.exists(os.path.join(root, rel)))
print("env", sorted(os.environ))
try:
    open(os.path.join(root, "helpers", "x.txt"), "w")
except OSError as exc:
    print("write", type(exc).__name__)
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2)
except OSError as exc:
    print("net", type(exc).__name__)
print("gradebook visible", os.path.exists({str(gradebook)!r}))
print("gradebooks", (glob.glob({str(ROOT.parent)!r} + "/**/gradebook.db", recursive=True)
                     + glob.glob("/tmp/**/gradebook.db", recursive=True))[:3])
""",
    )
    del os.environ["AUTOGRADER_SECRET_FOR_TEST"]
    out = reply["stdout"]
    assert "uid 65534" in out
    assert (
        "entries ['.venv', 'autograder', 'helpers']" in out
        or "entries ['autograder', 'helpers']" in out
    )
    for rel in ("solutions", "tests", "pyproject.toml", "exercises"):
        assert f"{rel} False" in out
    assert "AUTOGRADER_SECRET_FOR_TEST" not in out and "NBGRADER" not in out
    assert "write OSError" in out or "write PermissionError" in out
    assert "net OSError" in out
    assert "gradebook visible False" in out and "gradebooks []" in out


# What each session finds when it starts. The probe prints one JSON line: every file in
# the places a session can write, the processes it can see (other than its own), what
# is on sys.path, its working directory, and the IPC objects of its namespace.
PROBE = r"""
import json, os, sys
mine = {os.getpid()}
seen = {}
places = {"tmp": "/tmp", "shm": "/dev/shm", "cwd": os.getcwd(), "home": os.environ["HOME"]}
# the grader's read-only mounts (the course's code and venv, when they live under /tmp)
# and the folders that only hold them are the sandbox's, not what a session left
read_only = [line.split()[4] for line in open("/proc/self/mountinfo")
             if "ro" in line.split()[5].split(",")]
def ours(path):
    return any(m == path or m.startswith(path + "/") for m in read_only)
for label, place in places.items():
    found = []
    for root, dirs, files in os.walk(place):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in read_only]
        found += [os.path.join(root, name) for name in files + dirs]
    seen[label] = sorted(p for p in found if p != os.getcwd() and not ours(p))
procs = sorted(
    open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode()[:60]
    for p in os.listdir("/proc") if p.isdigit()
)
print(json.dumps({
    "files": seen,
    "processes": procs,
    "cwd": os.getcwd(),
    "path": sys.path,
    "shm": open("/proc/sysvipc/shm").read().splitlines()[1:],
    "msg": open("/proc/sysvipc/msg").read().splitlines()[1:],
}))
"""


def probe(sandbox):
    import json

    reply = run_in(sandbox, PROBE)
    assert reply["ok"], reply
    return json.loads(reply["stdout"].strip().splitlines()[-1])


# A session that leaves everything it can behind: files and directories in every place
# it can write (read-only ones refused), a module named like numpy in its working
# directory, processes that try to outlive it, SysV shared memory and a message queue.
DIRTY = r"""
import ctypes, os, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
written, refused = [], []
places = ["/tmp", "/dev/shm", os.getcwd(), os.environ.get("HOME", "/tmp"), "/", "/dev",
          "/etc", sys.prefix, os.path.dirname(os.__file__)] + [p for p in sys.path if p]
for place in places:
    for name in ("planted.txt", "numpy.py", "statistics.py", "sitecustomize.py"):
        path = os.path.abspath(os.path.join(place, name))  # (sys.path may hold relative names)
        try:
            with open(path, "w") as fh:
                fh.write("raise SystemExit('planted module imported')\n")
            os.chmod(path, 0)
            written.append(path)
        except OSError:
            refused.append(path)
    try:
        os.makedirs(os.path.join(place, "planted-dir", "deeper"))
        written.append(os.path.abspath(os.path.join(place, "planted-dir")))
    except OSError:
        pass
subprocess.Popen(["sleep", "300"])
subprocess.Popen(["sh", "-c", "sleep 300 &"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "301"])
    os._exit(0)
print("shm", libc.shmget(0x4242, 4096, 0o1666), "msg", libc.msgget(0x4343, 0o1666))
print("WRITTEN", sorted(written))
print("REFUSED", sorted(refused))
"""


def test_nothing_a_session_leaves_reaches_the_next_one(sandbox):
    before = probe(sandbox)
    dirty = run_in(sandbox, DIRTY)
    out = dirty["stdout"]
    written = eval(out.split("WRITTEN ", 1)[1].splitlines()[0])
    refused = eval(out.split("REFUSED ", 1)[1].splitlines()[0])
    # it could write in its scratch space, and nowhere else
    assert any(p.startswith("/tmp/") for p in written) and any("/dev/shm/" in p for p in written)
    assert all(p.startswith(("/tmp/", "/dev/shm/")) for p in written), written
    assert "/planted.txt" in refused and "/dev/planted.txt" in refused
    assert "shm -1" not in out and "msg -1" not in out  # (it did create both)
    after = probe(sandbox)
    assert after["files"] == before["files"] == {p: [] for p in before["files"]}
    assert after["processes"] == before["processes"]
    assert after["shm"] == after["msg"] == []
    # a fresh, random working directory that is not on sys.path
    assert after["cwd"] != before["cwd"] and after["cwd"].startswith("/tmp/work-")
    assert after["cwd"] not in after["path"] and "" not in after["path"]
    ok = run_in(sandbox, "import statistics, numpy\nprint(statistics.mean([1, 3]), numpy.pi)")
    assert ok["ok"] and ok["stdout"].startswith("2 3.14"), ok


ESCAPE = r"""
import ctypes, os, signal
libc = ctypes.CDLL(None, use_errno=True)
me = os.getpid()
me_in_proc = int(os.readlink("/proc/self"))  # (/proc numbers processes as the zygote does)
report = []
# every process number it can see or guess: signals, pidfds from /proc, ptrace
for pid in sorted({int(p) for p in os.listdir("/proc") if p.isdigit()} | set(range(1, 40))):
    if pid in (me, me_in_proc):
        continue
    for sig in (signal.SIGSTOP, signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
            report.append(f"signal {pid} {sig.name}")
        except OSError:
            pass
    if libc.ptrace(16, pid, 0, 0) == 0:  # PTRACE_ATTACH
        report.append(f"ptrace {pid}")
    for path in (f"/proc/{pid}/mem", f"/proc/{pid}/root/tmp", f"/proc/{pid}/environ"):
        try:
            (os.listdir if path.endswith("tmp") else lambda p: open(p, "rb").read(1))(path)
            report.append(f"open {path}")
        except OSError:
            pass
    try:
        fd = os.open(f"/proc/{pid}", os.O_RDONLY)
        if libc.syscall(424, fd, 9, 0, 0) == 0:  # pidfd_send_signal(SIGKILL)
            # which process is it in the session's own PID namespace ("outside" if none)?
            status = open(f"/proc/{pid}/status").read().split("NSpid:")[1].split("\n")[0].split()
            inner = status[-1] if len(status) > 1 else "outside"
            report.append(f"pidfd {inner}")
        os.close(fd)
    except OSError:
        pass
print("user namespace", libc.unshare(0x10000000), "caps", open("/proc/self/status").read().split("CapEff:")[1].split()[0])
print("REPORT", report)
"""


def test_a_session_cannot_reach_anything_that_outlives_it(sandbox):
    """Everything it can signal or trace is its own (and dies with it): not the zygote,
    not the session's init, not the grader."""
    zygote = sandbox.proc.pid
    reply = run_in(sandbox, ESCAPE)
    out = reply["stdout"]
    assert "user namespace -1" in out and "caps 0000000000000000" in out
    reached = eval(out.split("REPORT ", 1)[1].splitlines()[0])
    # the only process it can address is its own init (process 1 of its namespace),
    # which ignores every signal from inside (it handles none) and dies with the session;
    # the reply above came, so neither it nor the session was stopped
    assert {item.split()[1] for item in reached} <= {"1"}, reached
    assert not [item for item in reached if item.startswith(("ptrace", "open"))], reached
    assert sandbox.proc is not None and sandbox.proc.pid == zygote and sandbox.proc.poll() is None
    assert run_in(sandbox, "print(6 * 7)")["stdout"] == "42\n"


def test_an_unclean_zygote_is_replaced():
    """If the zygote cannot show a clean slate after a session, the sandbox is restarted."""
    from autograder.sandbox import Sandbox, _process_tree

    sb = Sandbox(preload=("numpy",), isolate=True)
    sb.start()
    try:
        first = sb.proc.pid
        session = sb.session({"memory_bytes": 256 * 1024**2, "cpu_seconds": 30})
        # something the session could never do: change the zygote's own /tmp (from outside)
        zygote = [p for p in _process_tree(first) if p != first][0]
        with open(f"/proc/{zygote}/root/tmp/intruder", "w") as fh:
            fh.write("x")
        session.end()
        assert sb.proc is None  # replaced: the next session gets a fresh sandbox
        assert run_in(sb, "print('fresh')")["stdout"] == "fresh\n"
        assert sb.proc.pid != first
    finally:
        sb.close()


# ------------------------------------------------------------------ safety of the plain mode
CONTAINED_PLAIN_RUN = r"""
import os, subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from autograder._child import _own_pid_namespace
from autograder.sandbox import Sandbox

# the grader's own namespace never counts as a sandbox of its own
assert not _own_pid_namespace(os.readlink("/proc/self/ns/pid"))
bystander = subprocess.Popen(["sleep", "60"])            # someone else's process
open("/tmp/bystander-file", "w").write("keep")           # someone else's file
sb = Sandbox(preload=("numpy",), isolate=False)
sb.start()
for _ in range(2):
    session = sb.session({"memory_bytes": 256 * 1024**2, "cpu_seconds": 30})
    reply = session.request({"op": "exec", "source": "import subprocess\n"
                             "child = subprocess.Popen(['sleep', '61'])\nprint('ran')"}, 30)
    assert "ran" in reply["stdout"], reply
    session.end()
sb.close()
time.sleep(0.2)
assert bystander.poll() is None, "the plain-mode zygote killed a process that is not its own"
assert open("/tmp/bystander-file").read() == "keep", "the plain-mode zygote emptied /tmp"
leftovers = [p for p in os.listdir("/proc") if p.isdigit()
             and b"sleep\x0061" in open(f"/proc/{p}/cmdline", "rb").read()]
assert not leftovers, "the session's own child survived the end of the session"
bystander.kill()
print("SAFE")
"""


def test_plain_mode_signals_and_deletes_only_its_own(tmp_path):
    """Without bubblewrap the zygote runs next to everything else on the machine: ending
    a session must kill only that session and delete only its work folder. (Run in a
    PID namespace and private /tmp of its own, so that a regression cannot hurt.)"""
    import subprocess
    import sys

    script = tmp_path / "plain.py"
    script.write_text(CONTAINED_PLAIN_RUN)
    # The private /tmp hides whatever lives under the host's /tmp: bind the checkout and the
    # venv back when they are there (a CI clone in /tmp, say).
    keep = []
    for path in {str(ROOT), sys.prefix}:
        if path == "/tmp" or path.startswith("/tmp/"):
            keep += ["--ro-bind", path, path]
    done = subprocess.run(
        [
            "bwrap",
            "--unshare-pid",
            "--die-with-parent",
            "--ro-bind",
            "/",
            "/",
            "--tmpfs",
            "/tmp",
            *keep,
            "--ro-bind",
            str(script),
            "/tmp/plain.py",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--chdir",
            "/tmp",
            sys.executable,
            "/tmp/plain.py",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "SAFE" in done.stdout, done.stdout + done.stderr


def test_isolated_zygote_refuses_to_run_outside_a_namespace_of_its_own():
    """Asked for isolation without it (a bug in the command line), the zygote stops."""
    import subprocess
    import sys

    from autograder import wire

    ctrl_r, ctrl_w = os.pipe()
    ns = os.readlink("/proc/self/ns/pid")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from autograder._child import zygote_main; zygote_main(sys.argv[1:])",
            str(ctrl_w),
            "numpy",
            "isolated",
            ns,
        ],
        pass_fds=[ctrl_w],
        stdin=subprocess.DEVNULL,
    )
    os.close(ctrl_w)
    try:
        message = wire.read_message(ctrl_r, __import__("time").monotonic() + 60)
        assert message["ready"] is False
        assert proc.wait(timeout=30) == 3
    finally:
        os.close(ctrl_r)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_memory_multiplied_by_forking_is_stopped_by_the_grader(sandbox):
    """Memory limits are per process: the grader watches the whole sandbox from outside."""
    from autograder.sandbox import SessionLost

    idle = sandbox.usage()
    session = sandbox.session({"memory_bytes": 128 * 1024**2, "cpu_seconds": 60})
    try:
        with pytest.raises(SessionLost, match="memory"):
            session.request(
                {
                    "op": "exec",
                    "source": """
import os, time, numpy as np
for i in range(4):
    if os.fork() == 0:
        block = np.ones(12_500_000)   # 100 MB each: under the per-process limit
        time.sleep(30)
        os._exit(0)
time.sleep(20)
""",
                },
                30,
            )
    finally:
        session.end()
    # the session and all its processes are gone; the zygote is back to idle
    memory, tasks = sandbox.usage()
    assert tasks == idle[1] and memory < idle[0] + 50 * 1024**2
