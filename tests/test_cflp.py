"""External check of exactness: OR-Library CFLP instances against their published optima.

Instance files: ``../shared/data/orlib/`` (beside the repository; see its PROVENANCE.md).
Optima: ``computegeo.cflp.optima`` (its docstring gives the sources). MP1 (UflLib,
200 x 200) takes about a minute and is left to ``benchmarks/orlib.py``.

Every solution is also checked independently of the model: each customer fully served,
no capacity exceeded, nothing served from a closed facility, and the cost recomputed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from computegeo.cflp.model import CflpInstance, CflpSolution, parse_orlib, solve_cflp
from computegeo.cflp.optima import LARGE_OPTIMA, OPTIMUM_RTOL, SMALL_OPTIMA, UFLP_OPTIMA
from computegeo.cli import main
from computegeo.core.errors import DataError
from computegeo.optimize.solve import Status

ORLIB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "orlib"
CAP = ORLIB / "cap"

FEASIBILITY_TOL = 1e-6
"""Absolute tolerance on shares and relative tolerance on capacity use [-]."""


def _check_solution(inst: CflpInstance, sol: CflpSolution, optimum: float) -> None:
    """Proven optimal, equal to the published optimum, and feasible when re-checked."""
    assert sol.status is Status.OPTIMAL
    assert sol.mip_gap <= OPTIMUM_RTOL
    assert sol.dual_bound <= sol.objective + 1e-9 * abs(sol.objective)
    assert abs(sol.objective - optimum) <= OPTIMUM_RTOL * abs(optimum)
    x = sol.allocation
    open_mask = np.zeros(inst.n_facilities)
    open_mask[[i - 1 for i in sol.open_facilities]] = 1.0
    assert np.all(x >= -FEASIBILITY_TOL)
    assert np.all(x <= open_mask[:, None] + FEASIBILITY_TOL)  # only open facilities serve
    np.testing.assert_allclose(x.sum(axis=0), 1.0, atol=FEASIBILITY_TOL)  # demand met
    used = x @ inst.demand
    assert np.all(used <= inst.capacity * (1 + FEASIBILITY_TOL))  # capacity respected
    assert inst.cost_of(open_mask, x) == pytest.approx(sol.objective, rel=1e-7)


QUICK_SMALL = frozenset({"cap71", "cap101", "cap131"})
"""One small instance of each size (16, 25 and 50 facilities x 50 customers) in the quick tier;
the other small ones are marked slow (about 1-5 s each on the shared 2-core machine)."""


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=() if n in QUICK_SMALL else pytest.mark.slow)
        for n in sorted(SMALL_OPTIMA)
    ],
)
def test_small_orlib_instance_reproduces_optimum(name: str) -> None:
    inst = parse_orlib(CAP / f"{name}.txt")
    _check_solution(inst, solve_cflp(inst), SMALL_OPTIMA[name])


@pytest.mark.slow
@pytest.mark.parametrize(("name", "capacity"), sorted(LARGE_OPTIMA))
def test_large_orlib_instance_reproduces_optimum(name: str, capacity: int) -> None:
    inst = parse_orlib(CAP / f"{name}.txt", capacity=capacity)
    _check_solution(inst, solve_cflp(inst), LARGE_OPTIMA[(name, capacity)])


def test_uflp_bilde_krarup_simple_format() -> None:
    inst = parse_orlib(ORLIB / "uflp_BildeKrarup" / "B1.1")
    assert (inst.n_facilities, inst.n_customers) == (50, 100)
    assert inst.uncapacitated
    _check_solution(inst, solve_cflp(inst), UFLP_OPTIMA["B1.1"][1])


@pytest.mark.slow
def test_uflp_m_star_mo1() -> None:
    inst = parse_orlib(ORLIB / "uflp_M" / "MO1")
    assert inst.uncapacitated
    _check_solution(inst, solve_cflp(inst), UFLP_OPTIMA["MO1"][1])


def test_hand_solvable_split_demand() -> None:
    # Two facilities of capacity 10 (fixed cost 1) and one customer of demand 15: both must
    # open; the cheaper one (c = 30 for all 15 units, i.e. 2 per unit) is filled to 10 units,
    # the rest (5 units) goes to the other (c = 45, 3 per unit): 1 + 1 + 20 + 15 = 37.
    inst = CflpInstance(
        "split", np.array([10.0, 10.0]), np.array([1.0, 1.0]), np.array([15.0]),
        np.array([[30.0], [45.0]]),
    )  # fmt: skip
    sol = solve_cflp(inst)
    assert sol.objective == pytest.approx(37.0, rel=1e-9)
    np.testing.assert_allclose(sol.allocation[:, 0], [2 / 3, 1 / 3], atol=1e-9)


def test_parser_reads_cap41() -> None:
    inst = parse_orlib(CAP / "cap41.txt")
    assert (inst.n_facilities, inst.n_customers) == (16, 50)
    assert inst.capacity[0] == 5000
    assert inst.fixed_cost[0] == 7500
    assert inst.fixed_cost[10] == 0
    assert inst.demand[0] == 146
    assert inst.allocation_cost[0, 0] == pytest.approx(6739.725)
    assert inst.allocation_cost[15, 0] > 0


def test_parser_substitutes_capacity() -> None:
    inst = parse_orlib(CAP / "capa.txt", capacity=8000)
    assert (inst.n_facilities, inst.n_customers) == (100, 1000)
    assert np.all(inst.capacity == 8000)


def test_symbolic_capacity_requires_value() -> None:
    with pytest.raises(DataError) as info:
        parse_orlib(CAP / "capb.txt")
    assert "line 2" in str(info.value)
    assert "--capacity" in str(info.value)


def test_capacity_flag_rejected_when_file_has_numbers() -> None:
    with pytest.raises(DataError) as info:
        parse_orlib(CAP / "cap41.txt", capacity=8000)
    assert "drop it" in str(info.value)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_number_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "2 1\n10 5\n10 x5\n4\n1 2\n")
    with pytest.raises(DataError) as info:
        parse_orlib(path)
    assert "line 3" in str(info.value)
    assert "'x5'" in str(info.value)
    assert "fixed cost of facility 2" in str(info.value)


def test_truncated_file_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "2 2\n10 5\n10 5\n4\n1 2\n3\n1\n")
    with pytest.raises(DataError) as info:
        parse_orlib(path)
    assert "ends at line 7" in str(info.value)
    assert "facility 2 for customer 2" in str(info.value)


def test_trailing_values_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "1 1\n10 5\n4\n1\n99\n")
    with pytest.raises(DataError) as info:
        parse_orlib(path)
    assert "line 5" in str(info.value)


def test_negative_demand_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "1 1\n10 5\n-4\n1\n")
    with pytest.raises(DataError) as info:
        parse_orlib(path)
    assert "line 3" in str(info.value)
    assert "demand of customer 1" in str(info.value)


def test_infeasible_capacity_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "1 1\n3 5\n4\n1\n")
    with pytest.raises(DataError) as info:
        parse_orlib(path)
    assert "below total demand" in str(info.value)


def test_cli_prints_cost_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cflp", str(CAP / "cap71.txt")]) == 0
    assert float(capsys.readouterr().out.strip()) == pytest.approx(932615.75, rel=OPTIMUM_RTOL)
    assert main(["cflp", str(CAP / "cap71.txt"), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["objective"] == pytest.approx(932615.75, rel=OPTIMUM_RTOL)
    assert payload["status"] == "optimal"
    assert payload["solve_seconds"] > 0
    assert payload["instance"] == "cap71"
    assert payload["mip_gap"] <= OPTIMUM_RTOL


def test_cli_missing_capacity_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cflp", str(CAP / "capa.txt")]) == 2
    err = capsys.readouterr().err
    assert "--capacity" in err
    assert "Traceback" not in err


def test_cli_malformed_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "2 1\n10 5\n10 x5\n4\n1 2\n")
    assert main(["cflp", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert "line 3" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_cli_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cflp", str(tmp_path / "nope.txt")]) == 2
    assert "no such instance file" in capsys.readouterr().err
