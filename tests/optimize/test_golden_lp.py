"""One golden LP file per constraint family, built alone on a tiny instance.

A family without a golden file fails. Regenerate the files (after checking the diff!) with
``COMPUTEGEO_UPDATE_GOLDEN=1 pytest tests/optimize/test_golden_lp.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from planner_helpers import tiny_two_sided

from computegeo.optimize.context import make_context
from computegeo.optimize.families import BY_KEY, FAMILIES
from computegeo.optimize.formulation import build_model_from_context
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import ResilienceScope

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "golden_lp"
UPDATE = os.environ.get("COMPUTEGEO_UPDATE_GOLDEN") == "1"


def golden_problem() -> ProblemData:
    """tiny_problem with both markets reaching r1 and every policy switched on."""
    return tiny_two_sided(
        power_headroom_mw=np.array([[20.0, 20.0], [np.inf, 30.0]]),
        available_mw=np.array([[np.inf, np.inf], [8.0, 8.0]]),
        campus_min_mw=np.array([5.0, 0.0]),
        training_min_cluster_mw=np.array([2.0]),
        max_share_market=0.9,
        max_share_country=0.9,
        max_share_grid=0.9,
        max_share_provider=0.9,
        n1_mode=ResilienceScope.MARKET,
        n1_share=np.array([0.4]),
        equipment_supply_mw=np.array([12.0, 12.0]),
        budget_usd=np.array([30e6, 30e6]),
        carbon_cap_t_per_year=np.array([1e5, 1e5]),
        carbon_price_usd_per_t=np.array([10.0, 20.0]),
    )


def _lp_text(family: str, tmp_path: Path) -> str:
    model = build_model_from_context(make_context(golden_problem()), families=(family,))
    path = tmp_path / f"{family}.lp"
    model.to_file(path, explicit_coordinate_names=True)
    return path.read_text()


@pytest.mark.parametrize("family", sorted(BY_KEY))
def test_golden_lp(family: str, tmp_path: Path) -> None:
    text = _lp_text(family, tmp_path)
    golden = GOLDEN_DIR / f"{family}.lp"
    if UPDATE:
        golden.write_text(text)
    assert golden.exists(), (
        f"no golden LP for family {family!r}: run with COMPUTEGEO_UPDATE_GOLDEN=1"
    )
    assert text == golden.read_text(), f"LP of family {family!r} differs from {golden.name}"


def test_every_golden_belongs_to_a_family_and_adds_rows(tmp_path: Path) -> None:
    files = {p.stem for p in GOLDEN_DIR.glob("*.lp")}
    assert files == set(BY_KEY)
    base = build_model_from_context(make_context(golden_problem()), families=())
    for family in FAMILIES:
        model = build_model_from_context(make_context(golden_problem()), families=(family.key,))
        assert model.ncons > base.ncons, f"family {family.key!r} adds no rows on the golden problem"
        # the row sets it adds are the ones the registry declares for it, and no others
        added = set(model.constraints) - set(base.constraints)
        declared = {r.name for r in family.rows}
        assert added <= declared, f"family {family.key!r} adds undeclared rows {added - declared}"
        assert added, f"family {family.key!r} adds none of its declared rows"
