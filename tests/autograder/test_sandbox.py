"""The sandbox: namespaces, limits, sessions, and the zygote's refusal to run unsandboxed."""

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


def test_sessions_do_not_share_files_or_processes(sandbox):
    first = run_in(
        sandbox,
        "open('/tmp/left-behind', 'w').write('x')\n"
        "import subprocess; subprocess.Popen(['sleep', '60'])\nprint('ok')",
    )
    assert "ok" in first["stdout"]
    second = run_in(
        sandbox,
        "import os\nprint(os.path.exists('/tmp/left-behind'))\n"
        "print(sorted(p for p in os.listdir('/proc') if p.isdigit()))",
    )
    assert "False" in second["stdout"]
    pids = eval(second["stdout"].splitlines()[1])
    assert len(pids) <= 3  # bwrap's init, the zygote, this session: no leftover sleep


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
            "0",
            str(ctrl_w),
            "0",
            "1",
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
    assert sandbox.usage() == (0, 0)  # the sandbox was stopped as a whole
