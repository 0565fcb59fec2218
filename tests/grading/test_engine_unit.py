"""Unit tests of the engine's parts: the wire format, proxies and the sandbox itself."""

from __future__ import annotations

import json
import math
import os
import struct

import nbformat
import numpy as np
import pytest
import sympy

from autograder import wire
from autograder.remote import Opaque, TestFailure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def roundtrip(value):
    encoded = json.loads(json.dumps(wire.encode_plain(value, _no_other), allow_nan=True))
    return wire.decode_plain(encoded, _no_tagged)


def _no_other(value):
    raise AssertionError(f"unexpected {value!r}")


def _no_tagged(obj, depth):
    raise wire.WireError(f"unknown {obj!r}")


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(2**80),
        1.5,
        math.inf,
        -math.inf,
        1 + 2j,
        "text",
        [1, [2.0, None]],
        (1, 2),
        {"a": 1, 2: (3,)},
        np.array(2.5),
        np.arange(6.0).reshape(2, 3).T,
        np.array([True, False]),
        np.float32(1.25),
        np.int64(7),
        np.arange(4, dtype=np.complex64),
    ],
)
def test_plain_data_round_trips_exactly(value):
    back = roundtrip(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert type(back) is type(value) and back.dtype == value.dtype
        assert np.shape(back) == np.shape(value) and np.array_equal(back, value)
    else:
        assert back == value and type(back) is type(value)


def test_nan_round_trips():
    assert math.isnan(roundtrip(float("nan")))
    assert np.isnan(roundtrip(np.array([np.nan]))[0])


@pytest.mark.parametrize(
    "bad",
    [
        {"__t": "nd", "dtype": "|O", "shape": [1], "b64": "AAAAAAAAAAA="},  # object dtype
        {"__t": "nd", "dtype": "<f8", "shape": [3], "b64": "AAAAAAAAAAA="},  # wrong size
        {"__t": "nd", "dtype": "<f8", "shape": [-1], "b64": ""},
        {"__t": "pickle", "data": "gASVAAAAAAAAAACMBG9zLnN5c3RlbZSTlC4="},
        {"__t": "c", "re": "1", "im": 0},
        {"__t": "dict", "items": [[[1], 2]]},  # unhashable key
        "x" * (wire.MAX_STR + 1),
    ],
)
def test_decoding_rejects_anything_but_plain_data(bad):
    with pytest.raises(wire.WireError):
        wire.decode_plain(bad, _no_tagged)


def test_decoding_limits_nesting():
    deep = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.WireError):
        wire.decode_plain(deep, _no_tagged)


def test_sympy_trees_rebuild_only_whitelisted_nodes():
    x, y = sympy.symbols("x y", real=True)
    expr = 3 * x**2 + 2 * x * y + sympy.sin(y) / 7 + sympy.Rational(1, 3) + sympy.pi
    assert wire.tree_to_sympy(json.loads(json.dumps(wire.sympy_to_tree(expr)))) == expr
    with pytest.raises(wire.WireError):
        wire.tree_to_sympy(["Function", "os.system", ["Symbol", "x", {}]])
    with pytest.raises(wire.WireError):
        wire.tree_to_sympy(["Symbol", "x", {"real": "__import__('os')"}])
    with pytest.raises(wire.WireError):
        wire.sympy_to_tree(sympy.Function("f")(x))


def test_framing_rejects_oversized_messages():
    r, w = os.pipe()
    os.write(w, struct.pack(">I", wire.MAX_MESSAGE_BYTES + 1))
    with pytest.raises(wire.WireError):
        wire.read_message(r, max_bytes=wire.MAX_MESSAGE_BYTES)
    os.close(r)
    os.close(w)


def test_opaque_values_fail_every_use_with_a_clear_message():
    liar = Opaque(1, "Liar", "secant_slope")
    for use in (
        lambda: liar == 1,
        lambda: float(liar),
        lambda: liar - 1,
        lambda: abs(liar),
        lambda: bool(liar),
        lambda: np.asarray(liar, dtype=float),
        lambda: len(liar),
        lambda: liar.anything,
        lambda: np.isclose(liar, 1.0),
    ):
        with pytest.raises(TestFailure, match="secant_slope gave a Liar"):
            use()
    assert repr(liar) == "<Liar object>"


# ------------------------------------------------------------------ the sandbox
bwrap = pytest.mark.skipif(not __import__("shutil").which("bwrap"), reason="needs bubblewrap")


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


@pytest.mark.grading
@bwrap
def test_sandbox_cannot_see_instructor_files_or_the_network(sandbox):
    os.environ["AUTOGRADER_SECRET_FOR_TEST"] = "do-not-leak"
    reply = run_in(
        sandbox,
        f"""
import os, socket, glob
root = {ROOT!r}
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
print("gradebooks", (glob.glob("/work/**/gradebook.db", recursive=True)
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
    assert "gradebooks []" in out


@pytest.mark.grading
@bwrap
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


@pytest.mark.grading
@bwrap
def test_grading_is_deterministic():
    from autograder.engine import Limits, NotebookRunner, get_sandbox

    cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nimport random\n"
            "def noisy(x):\n    return x + np.random.rand() + random.random()"
        ),
        nbformat.v4.new_code_cell(
            "value = noisy(1.0)\nassert abs(value - 1.9) < 0.05, f'{value!r}'"
        ),
    ]
    cells[1].metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "t",
        "points": 1,
        "schema_version": 3,
    }
    messages = []
    for _ in range(3):
        nb = nbformat.v4.new_notebook(cells=[nbformat.from_dict(c) for c in cells])
        NotebookRunner(get_sandbox(("numpy",), True), Limits(10, 30)).run(nb)
        messages.append(json.dumps(nb.cells[1].outputs))
    assert len(set(messages)) == 1


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


@pytest.mark.grading
@bwrap
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


@pytest.mark.grading
@bwrap
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
            f"import sys; sys.path.insert(0, {ROOT!r}); "
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


@pytest.mark.grading
@bwrap
def test_a_sandbox_that_cannot_start_means_not_graded_never_zero(tmp_path, monkeypatch):
    """The grader's own failure must not be recorded as the student's zero."""
    import io

    import nbformat as nbf

    from autograder import course, engine
    from autograder.check import main_check
    from autograder.sandbox import Sandbox, SandboxUnavailable
    from tests.grading import submissions as S

    def broken_start(self):
        raise SandboxUnavailable("the sandbox did not start: simulated")

    monkeypatch.setattr(engine, "_POOL", {})
    monkeypatch.setattr(Sandbox, "start", broken_start)
    assignment = "exercise-01-derivatives"
    folder = tmp_path / "course" / "submitted" / "alice" / assignment
    folder.mkdir(parents=True)
    nbf.write(S.build(assignment, "solution"), str(folder / f"{assignment}.ipynb"))
    results = course.grade(
        assignment, tmp_path / "course", jobs=1, out=io.StringIO(), progress_stream=io.StringIO()
    )
    assert [r["success"] for r in results] == [False]
    assert "simulated" in results[0]["error"]
    assert results[0]["score"] is None  # nothing recorded in the gradebook

    from types import SimpleNamespace

    args = SimpleNamespace(path=folder / f"{assignment}.ipynb", assignment=None, json=True)
    assert main_check(args) == 1


@pytest.mark.grading
@bwrap
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
