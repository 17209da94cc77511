"""Two-stage solvers: the hand-solved instance, and extensive form vs integer L-shaped.

The hand-worked optimum is in tests/test_twostage_smps.py (the TINY instance's comment).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.test_twostage_smps import (
    COR,
    SSLP,
    STO,
    TINY_LP_X1,
    TINY_OPTIMUM,
    needs_sslp,
    write_tiny,
)

from computegeo.core.errors import InputError
from computegeo.twostage.dualpool import DualPool
from computegeo.twostage.extensive import solve_extensive
from computegeo.twostage.lshaped import feasible_binary_points, solve_integer_lshaped
from computegeo.twostage.optima import OPTIMUM_ATOL, SSLP_OPTIMA
from computegeo.twostage.problem import TwoStageProblem
from computegeo.twostage.recourse import ScenarioPool
from computegeo.twostage.smps import read_smps
from computegeo.twostage.solve import Method, choose, solve


def test_tiny_extensive_form_matches_hand_optimum(tmp_path: Path) -> None:
    res = solve_extensive(read_smps(write_tiny(tmp_path)))
    assert res.optimal
    assert res.objective == pytest.approx(TINY_OPTIMUM, abs=1e-9)
    assert res.bound == pytest.approx(TINY_OPTIMUM, abs=1e-9)
    np.testing.assert_allclose(res.x, [1.0])


@pytest.mark.parametrize("enumerate_master", [True, False])
def test_tiny_integer_lshaped_matches_hand_optimum(tmp_path: Path, enumerate_master: bool) -> None:
    res = solve_integer_lshaped(read_smps(write_tiny(tmp_path)), enumerate_master=enumerate_master)
    assert res.optimal
    assert res.objective == pytest.approx(TINY_OPTIMUM, abs=1e-9)
    assert res.bound == pytest.approx(TINY_OPTIMUM, abs=1e-9)
    np.testing.assert_allclose(res.x, [1.0])
    assert res.integer_cuts >= 1  # the LP cut alone stops at -3.5: the integer cut closes it
    assert res.candidates >= 1


def test_tiny_recourse_by_hand(tmp_path: Path) -> None:
    p = read_smps(write_tiny(tmp_path))
    pool = ScenarioPool(p)
    x1 = np.array([1.0])
    integer = pool.evaluate(x1, integer=True).value
    lp = pool.evaluate(x1, integer=False)
    pool.close()
    np.testing.assert_allclose(integer, [-5.0, -4.0])
    np.testing.assert_allclose(lp.value, [-5.0, -7.0])
    assert 3.0 + p.probability @ lp.value == pytest.approx(TINY_LP_X1)
    # d = 2: Q = -5 (1.5 x) + (2 - 1.5 x) = 2 - 9 x while y = 1.5 x < 2: slope -9
    assert lp.gradient is not None
    assert lp.gradient[1, 0] == pytest.approx(-9.0)


def test_general_integer_first_stage_goes_to_the_extensive_form(tmp_path: Path) -> None:
    # x in {0, 1, 2}: x = 2 gives capacity 3, so y = d: 6 + 0.25 * (-5) + 0.75 * (-10) = -2.75
    cor = COR.replace("lim       1              dem", "lim       2              dem")
    cor = cor.replace(" UP bnd       x         1", " UP bnd       x         2")
    p = read_smps(write_tiny(tmp_path, cor=cor))
    with pytest.raises(InputError, match="not all binary"):
        choose(p, Method.LSHAPED)
    res = solve(p)
    assert res.method == "extensive"
    assert res.objective == pytest.approx(-2.75, abs=1e-9)
    np.testing.assert_allclose(res.x, [2.0])


def test_choose_by_size(tmp_path: Path) -> None:
    p = read_smps(write_tiny(tmp_path))
    assert choose(p) is Method.EXTENSIVE
    assert solve(p, method=Method.LSHAPED).method == "integer-lshaped"
    blocks = (
        "STOCH TINY\nBLOCKS DISCRETE\n BL B1 STAGE-2 0.5\n    rhs dem 1\n BL B1 STAGE-2 0.5\n"
        "    rhs dem 2\n BL B2 STAGE-2 0.5\n    y obj -4\n BL B2 STAGE-2 0.5\n    y obj -6\n"
        "ENDATA\n"
    )
    varying = read_smps(write_tiny(tmp_path, sto=blocks))
    with pytest.raises(InputError, match="no fixed recourse"):
        choose(varying, Method.LSHAPED)
    assert solve(varying).method == "extensive"


def test_merged_scenarios_same_optimum(tmp_path: Path) -> None:
    sto = STO.replace("0.25", "0.125").replace(
        "ENDATA", " SC S3 'ROOT' 0.125 STAGE-2\n    rhs dem 1\nENDATA"
    )
    res = solve(read_smps(write_tiny(tmp_path, sto=sto)), method=Method.LSHAPED)
    assert res.scenarios == 3
    assert res.distinct_scenarios == 2
    assert res.objective == pytest.approx(TINY_OPTIMUM, abs=1e-9)


@needs_sslp
def test_enumerated_points_respect_first_stage_rows() -> None:
    p = read_smps(SSLP / "sslp_5_25_50")
    pts = feasible_binary_points(p)
    assert pts is not None
    assert len(pts) == 32  # sum x <= 5 of 5 servers: every point


def _first_scenarios(p: TwoStageProblem, k: int) -> TwoStageProblem:
    """The first ``k`` scenarios of ``p``, probabilities renormalised."""
    prob = p.probability[:k] / p.probability[:k].sum()
    return replace(
        p,
        probability=prob,
        h_lo=p.h_lo[:k],
        h_hi=p.h_hi[:k],
        T=p.T[:k],
        W=p.W[:k],
        q=p.q[:k],
        scenario_names=p.scenario_names[:k],
    )


@needs_sslp
def test_extensive_and_lshaped_agree_on_sslp_subset() -> None:
    # 4 of sslp_5_25_50's scenarios keep the extensive form to seconds
    p = _first_scenarios(read_smps(SSLP / "sslp_5_25_50"), 4)
    ef = solve(p, method=Method.EXTENSIVE)
    ls = solve(p, method=Method.LSHAPED, workers=2)
    for res in (ef, ls):
        assert res.optimal
        assert res.bound == pytest.approx(res.objective, abs=1e-6)
    assert ef.objective == pytest.approx(ls.objective, abs=1e-6)
    np.testing.assert_allclose(ef.x, ls.x, atol=1e-6)


@needs_sslp
@pytest.mark.slow
def test_extensive_and_lshaped_agree_on_sslp_5_25_50() -> None:
    p = read_smps(SSLP / "sslp_5_25_50")
    ef = solve(p, method=Method.EXTENSIVE)
    ls = solve(p, method=Method.LSHAPED, workers=2)
    for res in (ef, ls):
        assert res.optimal
        assert abs(res.objective - SSLP_OPTIMA["sslp_5_25_50"]) <= OPTIMUM_ATOL
        assert res.bound == pytest.approx(res.objective, abs=1e-6)
    assert ef.objective == pytest.approx(ls.objective, abs=1e-6)
    np.testing.assert_allclose(ef.x, ls.x, atol=1e-6)


@needs_sslp
def test_pooled_dual_cuts_are_valid_and_tight_at_their_own_point() -> None:
    p = read_smps(SSLP / "sslp_5_25_50")
    pool = ScenarioPool(p)
    x = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    ev = pool.evaluate(x, integer=False)
    assert ev.duals is not None
    duals = DualPool(p)
    duals.add(ev.duals)
    value, coef, intercept = duals.cuts(x)
    # the pool holds each scenario's own optimal dual: its bound is the LP value (duality)
    np.testing.assert_allclose(value, ev.value, atol=1e-6)
    np.testing.assert_allclose(intercept + coef @ x, value, atol=1e-9)
    # at other points the pooled cuts stay below the LP recourse (valid cuts)
    rng = np.random.default_rng(3)
    for _ in range(4):
        x2 = (rng.random(p.n1) < 0.5).astype(float)
        lp2 = pool.evaluate(x2, integer=False).value
        assert np.all(intercept + coef @ x2 <= lp2 + 1e-6)
    pool.close()


@needs_sslp
def test_highs_master_and_enumerated_master_agree() -> None:
    p = _first_scenarios(read_smps(SSLP / "sslp_5_25_50"), 6)
    a = solve_integer_lshaped(p, enumerate_master=True)
    b = solve_integer_lshaped(p, enumerate_master=False)
    assert a.optimal
    assert b.optimal
    assert a.objective == pytest.approx(b.objective, abs=1e-6)
    np.testing.assert_allclose(a.x, b.x)


def test_extensive_form_after_the_decomposition_in_one_process(tmp_path: Path) -> None:
    # HiGHS fixes its thread pool at the first solve; the extensive form must still run after
    # the decomposition's one-thread workers (it once returned "no solution" in 0.04 s)
    p = read_smps(write_tiny(tmp_path))
    solve(p, method=Method.LSHAPED, workers=2)
    res = solve(p, method=Method.EXTENSIVE, workers=2)
    assert res.optimal
    assert res.objective == pytest.approx(TINY_OPTIMUM, abs=1e-9)


@needs_sslp
def test_scenario_pool_on_two_processes_keeps_the_asked_order() -> None:
    """Scenario s goes to worker s mod 2; results still come back in the order asked."""
    p = read_smps(SSLP / "sslp_5_25_50")
    x = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    asked = [7, 3, 40, 0, 12, 33]
    one, two = ScenarioPool(p), ScenarioPool(p, workers=2)
    try:
        a, b = one.evaluate(x, False, asked), two.evaluate(x, False, asked)
        np.testing.assert_array_equal(b.scenarios, asked)
        np.testing.assert_allclose(b.value, a.value, atol=1e-9)
        assert b.gradient is not None
        assert a.gradient is not None
        np.testing.assert_allclose(b.gradient, a.gradient, atol=1e-6)
        ints = two.evaluate(x, True, asked).value
        np.testing.assert_allclose(ints, one.evaluate(x, True, asked).value, atol=1e-9)
    finally:
        one.close()
        two.close()
