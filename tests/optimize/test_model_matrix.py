"""The whole model, row by row: the same rows in the same order, whatever builds them.

The per-family golden files (``test_golden_lp.py``) hold each family alone on a tiny instance.
This test holds the full model -- every family, the objective, the bounds, the integrality and
the row order HiGHS receives -- on the golden problem and on synthetic problems with caps,
clusters, N-1 (market and jurisdiction, both bases) and finite policies, each also relaxed,
restricted (some binaries absent, or all), fixed, and with fewer contingencies, as the planner's
rounds build it. Row order matters: HiGHS may find an equally cheap but different plan when the
same rows come in another order.

Two full LP files (with coordinate names) are compared as text; every case also by the SHA-256
of its LP text without names (rows and columns as linopy numbers them, masked slots included,
so the hash holds the row order). Regenerate (after checking why the model changed!) with
``COMPUTEGEO_UPDATE_GOLDEN=1 pytest tests/optimize/test_model_matrix.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from test_golden_lp import golden_problem

from computegeo.optimize.context import ModelContext, make_context
from computegeo.optimize.formulation import build_model_from_context
from computegeo.problem.data import ProblemData
from computegeo.scenario.enums import ResilienceBasis, ResilienceScope
from computegeo.testing import random_problem

FULL_DIR = Path(__file__).resolve().parents[1] / "golden_lp" / "full_model"
HASHES = FULL_DIR / "lp_sha256.json"
UPDATE = os.environ.get("COMPUTEGEO_UPDATE_GOLDEN") == "1"
FULL_TEXT = ("golden", "random_caps_n1")
"""Cases kept as whole LP files with names (readable diffs)."""
VARIANTS = (
    "relaxed",
    "restricted",
    "restricted_to_none",
    "fixed",
    "one_contingency",
    "no_contingency",
)
"""How the planner's rounds vary the model (see :func:`_variants`)."""
CASES = (
    *(
        f"{name}{suffix}"
        for name in ("golden", "random_caps_n1", "random_jurisdiction")
        for suffix in ("", *(f":{v}" for v in VARIANTS))
    ),
    "random_jurisdiction_by_workload",
    "random_plain",
)


def _problems() -> dict[str, ProblemData]:
    caps_n1 = random_problem(
        np.random.default_rng(7),
        12,
        6,
        3,
        max_share_market=0.4,
        training_min_cluster_mw=5.0,
        n1_mode=ResilienceScope.MARKET,
        n1_share=0.5,
        finite_policies=True,
    )
    country = random_problem(
        np.random.default_rng(11),
        16,
        8,
        4,
        max_share_market=0.5,
        training_min_cluster_mw=3.0,
        n1_mode=ResilienceScope.JURISDICTION,
        n1_share=0.3,
        finite_policies=True,
    )
    return {
        "golden": golden_problem(),
        "random_caps_n1": caps_n1,
        "random_jurisdiction": country,
        "random_jurisdiction_by_workload": dataclasses.replace(
            country, n1_basis=ResilienceBasis.WORKLOAD
        ),
        "random_plain": random_problem(np.random.default_rng(3), 20, 10, 4),
    }


def _variants(name: str, data: ProblemData) -> Iterator[tuple[str, ModelContext]]:
    """The model as the planner's rounds build it: full, relaxed, restricted, fixed, fewer N-1."""
    ctx = make_context(data)
    yield name, ctx
    if name in ("random_plain", "random_jurisdiction_by_workload"):
        return
    rng = np.random.default_rng(5)
    full = build_model_from_context(ctx)
    binaries = [k for k in ("site-campus_open", "cluster-use") if k in full.variables]
    allowed = {k: rng.random(full.variables[k].labels.shape) < 0.5 for k in binaries}
    yield f"{name}:relaxed", dataclasses.replace(ctx, relax=True)
    yield f"{name}:restricted", dataclasses.replace(ctx, binary_allowed=allowed)
    none = {k: np.zeros_like(v) for k, v in allowed.items()}
    yield f"{name}:restricted_to_none", dataclasses.replace(ctx, binary_allowed=none)
    fixed = {k: (rng.random(v.shape) < 0.5).astype(float) for k, v in allowed.items()}
    yield f"{name}:fixed", dataclasses.replace(ctx, fixed=fixed)
    assert len(ctx.contingency_ids) > 1
    first = ctx.contingency_ids[:1]
    yield f"{name}:one_contingency", dataclasses.replace(ctx, contingency_ids=first)
    yield f"{name}:no_contingency", dataclasses.replace(ctx, contingency_ids=())


def _lp_text(ctx: ModelContext, tmp_path: Path, names: bool) -> str:
    model = build_model_from_context(ctx)
    path = tmp_path / "model.lp"
    model.to_file(path, explicit_coordinate_names=names, progress=False)
    return path.read_text()


@pytest.fixture(scope="module")
def contexts() -> dict[str, ModelContext]:
    return {case: ctx for name, data in _problems().items() for case, ctx in _variants(name, data)}


@pytest.mark.parametrize("case", CASES)
def test_full_model_is_unchanged(
    case: str, contexts: dict[str, ModelContext], tmp_path: Path
) -> None:
    digest = hashlib.sha256(_lp_text(contexts[case], tmp_path, names=False).encode()).hexdigest()
    hashes: dict[str, str] = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    golden = FULL_DIR / f"{case}.lp"
    if UPDATE:
        FULL_DIR.mkdir(exist_ok=True)
        hashes[case] = digest
        HASHES.write_text(json.dumps(dict(sorted(hashes.items())), indent=1) + "\n")
    if case in FULL_TEXT:
        text = _lp_text(contexts[case], tmp_path, names=True)
        if UPDATE:
            golden.write_text(text)
        assert text == golden.read_text(), f"full model {case!r} differs from {golden.name}"
    assert case in hashes, f"no recorded model for {case!r}: run with COMPUTEGEO_UPDATE_GOLDEN=1"
    assert digest == hashes[case], f"full model {case!r} differs from the recorded one"


def test_every_recorded_model_is_a_case(contexts: dict[str, ModelContext]) -> None:
    hashes = json.loads(HASHES.read_text())
    assert set(hashes) == set(CASES) == set(contexts)
    assert {p.stem for p in FULL_DIR.glob("*.lp")} == set(FULL_TEXT)
