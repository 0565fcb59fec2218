"""The wire format between the grader and the sandbox: only plain data crosses."""

from __future__ import annotations

import json
import math
import os
import struct

import numpy as np
import pytest
import sympy

from autograder import wire


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


def test_sympy_trees_are_rebuilt_without_evaluating_them():
    """10**(10**4000) arrives as that power: evaluating it would never end (a hang that
    pytest's timeout would stop)."""
    tower = ["Pow", ["Integer", "10"], ["Pow", ["Integer", "10"], ["Integer", "4000"]]]
    built = wire.tree_to_sympy(tower)
    assert isinstance(built, sympy.Pow) and built.exp == sympy.Pow(10, 4000, evaluate=False)
    x = sympy.Symbol("x")
    unexpanded = wire.tree_to_sympy(["Add", ["Symbol", "x", {}], ["Symbol", "x", {}]])
    assert unexpanded.args == (x, x)  # x + x, not 2*x: nothing was evaluated
    for bad in (["Matrix", [[["Integer", "1"]], []]], ["Add", "not a tree"], ["sin"] * 3):
        with pytest.raises(wire.WireError):
            wire.tree_to_sympy(bad)


def test_replies_are_checked_on_arrival():
    names = wire.names_reply(
        {
            "ok": True,
            "names": {
                "f": {"kind": "function", "cell": 2, "line": 3, "code_name": "f"},
                "g": {"kind": "function", "cell": "2", "line": 3, "code_name": "g"},
                "h": {"kind": "function", "module": "helpers.gradcheck"},
                "np": {"kind": "module", "module": "numpy"},
                "bad": {"kind": "weird"},
            },
        }
    )["names"]
    assert names["f"] == {"kind": "function", "cell": 2, "line": 3, "code_name": "f"}
    assert names["g"] == {"kind": "function"}  # a malformed origin is dropped
    assert names["h"] == {"kind": "function", "module": "helpers.gradcheck"}
    assert "bad" not in names
    with pytest.raises(wire.WireError):
        wire.call_reply({"ok": False, "raised_by_test": "yes"})
    assert wire.call_reply({"ok": False, "raised_by_test": True})["raised_by_test"] is True
