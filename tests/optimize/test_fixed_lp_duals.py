"""Duals of the fixed-binary LP read from the solved model equal those of a rebuilt fixed LP."""

from __future__ import annotations

import numpy as np
import pytest
from test_golden_lp import golden_problem

from computegeo.optimize.context import make_context
from computegeo.optimize.extract import read_solution
from computegeo.optimize.families import BINDING_UNITS
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, Status, resolve_fixed_lp, solve

EXACT = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0)
DUAL_TOL = 1e-7
"""Absolute tolerance on duals [MUSD per row unit]."""


def test_resolve_fixed_lp_matches_a_rebuilt_fixed_lp() -> None:
    ctx = make_context(golden_problem())
    milp = build_model_from_context(ctx)
    assert solve(milp, EXACT).status is Status.OPTIMAL
    sol = read_solution(milp, ctx)
    assert milp.binaries.data, "the golden problem has binaries to fix"

    result, duals = resolve_fixed_lp(milp, list(milp.constraints), EXACT)
    assert result.status is Status.OPTIMAL

    fixed = {"site-campus_open": sol.campus_open, "cluster-use": sol.cluster_use}
    ctx_fixed = make_context(golden_problem(), fixed=fixed)
    rebuilt = build_model_from_context(ctx_fixed)
    assert solve(rebuilt, EXACT).status is Status.OPTIMAL
    assert result.objective == pytest.approx(float(rebuilt.objective.value), rel=1e-9)
    assert set(duals) == set(rebuilt.constraints)
    binding = [name for name in duals if name in BINDING_UNITS]
    assert binding, "some reported family is in the golden model"
    for name in duals:
        expected = rebuilt.constraints[name].dual.values
        got = duals[name].values
        np.testing.assert_allclose(got, expected, atol=DUAL_TOL, err_msg=name)
    # the MILP's own solution is left as it was
    np.testing.assert_allclose(read_solution(milp, ctx).capacity_mw, sol.capacity_mw)


def test_resolve_fixed_lp_after_solves_with_other_thread_counts() -> None:
    """HiGHS sizes a per-thread scheduler on its first run: re-solves with another ``threads``
    value in the same process must still succeed."""
    for threads in (None, 1, 2):
        ctx = make_context(golden_problem())
        model = build_model_from_context(ctx)
        opts = SolveOptions(mip_rel_gap=1e-9, time_limit_s=60.0, threads=threads)
        assert solve(model, opts).status is Status.OPTIMAL
        result, duals = resolve_fixed_lp(model, ["node-demand"], opts)
        assert result.status is Status.OPTIMAL, f"threads={threads}"
        assert "node-demand" in duals
