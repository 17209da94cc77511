"""SMPS reader: the SIPLIB SSLP files, a hand-written instance, and malformed input.

Instances: ``../shared/data/siplib/sslp`` (beside the repository; see its PROVENANCE.md).
Every malformed or truncated file must give ONE InputError naming the file and the line,
never another exception (hypothesis truncates and garbles the real files).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from computegeo.core.errors import InputError
from computegeo.twostage.smps import read_smps

SSLP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "siplib" / "sslp"
needs_sslp = pytest.mark.skipif(not SSLP.is_dir(), reason="SIPLIB SSLP files not beside the repo")

# The hand-solvable instance (also used by tests/test_twostage_solve.py):
# A hand-solvable two-scenario SMPS instance shared by the two-stage tests.
#
# min 3x + E[-5y + z]  s.t.  x <= 1;  y <= 1.5x;  y + z = d_s;
# x binary, y integer in [0, 2], z >= 0
# with d = 1 (p = 0.25) or d = 2 (p = 0.75). By hand:
# * x = 0: y = 0, z = d: 0.25 * 1 + 0.75 * 2 = 1.75.
# * x = 1: y <= 1.5 so y = 1 in both (integer): 3 + 0.25 * (-5) + 0.75 * (-5 + 1) = -1.25.
# So the optimum is -1.25 at x = 1. Its LP relaxation (y = 1.5, z = 0.5 when d = 2) is
# 3 + 0.25 * (-5) + 0.75 * (-7.5 + 0.5) = -3.5: the integer recourse matters.


TINY_OPTIMUM = -1.25
TINY_LP_X1 = -3.5

COR = """NAME          TINY
ROWS
 N  obj
 L  lim
 L  cap
 E  dem
COLUMNS
    M1        'MARKER'                 'INTORG'
    x         obj       3              lim       1
    x         cap       -1.5
    y         obj       -5             cap       1
    y         dem       1
    M2        'MARKER'                 'INTEND'
    z         obj       1              dem       1
RHS
    rhs       lim       1              dem       1
BOUNDS
 UP bnd       x         1
 UP bnd       y         2
ENDATA
"""

TIM = """TIME          TINY
PERIODS       LP
    x         lim       STAGE-1
    y         cap       STAGE-2
ENDATA
"""

STO = """STOCH         TINY
SCENARIOS     DISCRETE
 SC S1        'ROOT'    0.25           STAGE-2
    rhs       dem       1
 SC S2        'ROOT'    0.75           STAGE-2
    rhs       dem       2
ENDATA
"""


def write_tiny(folder: Path, cor: str = COR, tim: str = TIM, sto: str = STO) -> Path:
    """Write TINY.cor/.tim/.sto into ``folder``; return BASE (no extension)."""
    base = folder / "TINY"
    for ext, text in ((".cor", cor), (".tim", tim), (".sto", sto)):
        base.with_name("TINY" + ext).write_text(text)
    return base


@needs_sslp
@pytest.mark.parametrize(
    ("name", "servers", "clients", "scenarios"),
    [("sslp_5_25_50", 5, 25, 50), ("sslp_15_45_10", 15, 45, 10), ("sslp_10_50_100", 10, 50, 100)],
)
def test_reads_sslp(name: str, servers: int, clients: int, scenarios: int) -> None:
    p = read_smps(SSLP / name)
    assert p.n1 == servers
    assert p.x_int.all()
    assert p.n2 == servers * clients + servers  # y_i_j and the overflow y0_j
    assert int(p.y_int.sum()) == servers * clients
    assert p.m2 == servers + clients
    assert p.n_scenarios == scenarios
    assert p.probability.sum() == pytest.approx(1.0)
    assert p.fixed_recourse
    # client rows are equalities whose right-hand side (presence) is 0 or 1 per scenario
    client = p.h_lo[:, servers:]
    assert set(np.unique(client)) <= {0.0, 1.0}
    np.testing.assert_array_equal(client, p.h_hi[:, servers:])
    # capacity rows: 188 x_j (or similar) >= served demand, so T has one entry per server row
    assert p.T[0].nnz == servers
    assert p.c.min() > 0


def test_tiny(tmp_path: Path) -> None:
    p = read_smps(write_tiny(tmp_path))
    assert p.x_names == ("x",)
    assert p.y_names == ("y", "z")
    np.testing.assert_allclose(p.probability, [0.25, 0.75])
    np.testing.assert_allclose(p.h_lo[:, 1], [1.0, 2.0])
    np.testing.assert_allclose(p.h_hi[:, 0], [0.0, 0.0])
    assert p.h_lo[0, 0] == -np.inf
    np.testing.assert_allclose(p.T[0].toarray(), [[-1.5], [0.0]])
    assert list(p.y_int) == [True, False]


def test_identical_scenarios_merge(tmp_path: Path) -> None:
    sto = STO.replace("0.25", "0.125").replace(
        "ENDATA", " SC S3 'ROOT' 0.125 STAGE-2\n    rhs dem 1\nENDATA"
    )
    p = read_smps(write_tiny(tmp_path, sto=sto))
    m = p.merged()
    assert p.n_scenarios == 3
    assert m.n_scenarios == 2
    np.testing.assert_allclose(m.probability, [0.25, 0.75])


def test_indep_and_blocks_expand_as_products(tmp_path: Path) -> None:
    indep = "STOCH TINY\nINDEP DISCRETE\n    rhs dem 1 STAGE-2 0.25\n"
    indep += "    rhs dem 2 STAGE-2 0.75\nENDATA\n"
    p = read_smps(write_tiny(tmp_path, sto=indep))
    np.testing.assert_allclose(p.h_lo[:, 1], [1.0, 2.0])
    blocks = (
        "STOCH TINY\nBLOCKS DISCRETE\n BL B1 STAGE-2 0.5\n    rhs dem 1\n BL B1 STAGE-2 0.5\n"
        "    rhs dem 2\n BL B2 STAGE-2 0.5\n    y obj -4\n BL B2 STAGE-2 0.5\n    y obj -6\n"
        "ENDATA\n"
    )
    p = read_smps(write_tiny(tmp_path, sto=blocks))
    assert p.n_scenarios == 4
    np.testing.assert_allclose(p.probability, 0.25)
    assert sorted(float(q[0]) for q in p.q) == [-6, -6, -4, -4]
    assert not p.fixed_recourse


@pytest.mark.parametrize(
    ("which", "old", "new", "expect"),
    [
        (".cor", "ENDATA\n", "", r"TINY\.cor, line \d+: expected ENDATA"),
        (
            ".cor",
            "x         obj       3",
            "x         obj       3x",
            r"TINY\.cor, line 9: expected a number",
        ),
        (
            ".cor",
            "y         dem       1",
            "y         dmd       1",
            r"TINY\.cor, line 12: expected a row declared",
        ),
        (".cor", " E  dem", " Q  dem", r"TINY\.cor, line 6: expected 'TYPE NAME'"),
        (".cor", " UP bnd       y", " UP bnd       w", r"TINY\.cor, line 19: expected a column"),
        (
            ".tim",
            "    y         cap       STAGE-2\n",
            "",
            r"TINY\.tim, line \d+: expected exactly two periods",
        ),
        (
            ".tim",
            "    y         cap",
            "    w         cap",
            r"TINY\.tim: the second period starts at column 'w'",
        ),
        (".sto", "ENDATA\n", "", r"TINY\.sto, line \d+: expected ENDATA"),
        (".sto", "0.75", "0.5", r"TINY\.sto: scenario probabilities .* sum to 0\.75"),
        (".sto", "'ROOT'    0.75", "'S1'    0.75", r"TINY\.sto, line 5: expected parent 'ROOT'"),
        (
            ".sto",
            "rhs       dem       2",
            "rhs       dem",
            r"TINY\.sto, line 6: expected 'COL ROW VALUE'",
        ),
        (
            ".sto",
            "rhs       dem       2",
            "rhs       lim       2",
            r"TINY\.sto: scenario S2 changes .* stage-1 row",
        ),
        (
            ".sto",
            "rhs       dem       2",
            "rhs       nope      2",
            r"TINY\.sto, line 6: expected a row of the core",
        ),
    ],
)
def test_malformed_files_name_file_and_line(
    tmp_path: Path, which: str, old: str, new: str, expect: str
) -> None:
    texts = {".cor": COR, ".tim": TIM, ".sto": STO}
    assert old in texts[which]
    texts[which] = texts[which].replace(old, new, 1)
    base = write_tiny(tmp_path, texts[".cor"], texts[".tim"], texts[".sto"])
    with pytest.raises(InputError, match=expect):
        read_smps(base)


def test_missing_file(tmp_path: Path) -> None:
    base = write_tiny(tmp_path)
    base.with_name("TINY.sto").unlink()
    with pytest.raises(InputError, match=r"TINY\.sto: no such file"):
        read_smps(base)


def _fuzz_copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / "fuzz"
    dest.mkdir(exist_ok=True)
    for ext in (".cor", ".tim", ".sto"):
        shutil.copyfile(SSLP / (name + ext), dest / (name + ext))
    return dest / name


@needs_sslp
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ext=st.sampled_from([".cor", ".tim", ".sto"]),
    cut=st.floats(min_value=0.0, max_value=1.0),
    mode=st.sampled_from(["truncate", "garble", "drop-line", "dup-line"]),
    junk=st.text(alphabet="x0'- .\tEND\n*", min_size=1, max_size=6),
)
def test_fuzzed_real_files_give_input_error_only(
    tmp_path: Path, ext: str, cut: float, mode: str, junk: str
) -> None:
    base = _fuzz_copy(tmp_path, "sslp_5_25_50")
    path = base.with_name(base.name + ext)
    text = (SSLP / ("sslp_5_25_50" + ext)).read_text()
    at = int(cut * len(text))
    if mode == "truncate":
        text = text[:at]
    elif mode == "garble":
        text = text[:at] + junk + text[at + len(junk) :]
    else:
        lines = text.splitlines(keepends=True)
        k = min(int(cut * len(lines)), len(lines) - 1)
        lines[k : k + 1] = [] if mode == "drop-line" else [lines[k], lines[k]]
        text = "".join(lines)
    path.write_text(text)
    message = ""
    try:
        read_smps(base)
    except InputError as exc:  # the only exception allowed; it must name the file
        message = str(exc)
    assert not message or path.name in message
