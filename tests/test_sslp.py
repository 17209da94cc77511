"""External check of exactness: every SIPLIB SSLP instance against its published optimum.

Through the CLI contract: ``computegeo sslp BASE --json`` must print ``objective`` equal to
the optimum in ``computegeo.twostage.optima`` to 0.01, with ``bound`` equal to ``objective``
(proven). Instances: ``../shared/data/siplib/sslp`` (see its PROVENANCE.md). sslp_15_45_15 and
the 10_50 family are marked slow (still run in CI); benchmarks/results/sslp.md gives their times.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.test_twostage_smps import COR, needs_sslp, write_tiny

from computegeo.cli import main
from computegeo.twostage.optima import OPTIMUM_ATOL, SSLP_OPTIMA

SSLP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "siplib" / "sslp"
FAST = ("sslp_5_25_50", "sslp_5_25_100", "sslp_15_45_5", "sslp_15_45_10")
SLOW = tuple(n for n in SSLP_OPTIMA if n not in FAST)


def _solve_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["sslp", *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    payload: dict[str, object] = json.loads(out)
    return payload


def _check(payload: dict[str, object], name: str) -> None:
    objective, bound = payload["objective"], payload["bound"]
    assert isinstance(objective, float)
    assert isinstance(bound, float)
    assert abs(objective - SSLP_OPTIMA[name]) <= OPTIMUM_ATOL
    assert bound == pytest.approx(objective, abs=1e-6)
    assert payload["optimal"] is True
    first = payload["first_stage"]
    assert isinstance(first, dict)
    assert first
    assert all(k.startswith("x_") and v == 1.0 for k, v in first.items())


@needs_sslp
@pytest.mark.parametrize("name", FAST)
def test_sslp_small_instances_reach_their_optimum(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    payload = _solve_json(capsys, str(SSLP / name), "--workers", "2")
    _check(payload, name)
    assert payload["scenarios"] == int(name.rsplit("_", 1)[1])
    assert isinstance(payload["solve_seconds"], float)


@needs_sslp
@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_sslp_large_instances_reach_their_optimum(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    _check(_solve_json(capsys, str(SSLP / name), "--workers", "2"), name)


def test_sslp_tiny_by_extensive_form(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    payload = _solve_json(capsys, str(write_tiny(tmp_path)))
    assert payload["method"] == "extensive"
    assert payload["objective"] == pytest.approx(-1.25)
    assert payload["bound"] == pytest.approx(-1.25)
    assert payload["first_stage"] == {"x": 1.0}
    assert payload["scenarios"] == 2


def test_sslp_human_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["sslp", str(write_tiny(tmp_path)), "--method", "lshaped"]) == 0
    out = capsys.readouterr().out
    assert "integer-lshaped" in out
    assert "-1.250000" in out
    assert "x=1" in out


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["missing/BASE"], "BASE.cor: no such file"),
        (["TRUNC"], "TINY.cor, line"),
        (["TINY", "--method", "simplex"], "--method 'simplex'"),
        (["TINY", "--workers", "0"], "--workers 0"),
        (["TINY", "--backend", "spark"], "--backend 'spark'"),
    ],
)
def test_sslp_bad_input_exit_2_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], expect: str
) -> None:
    good = write_tiny(tmp_path)
    trunc_dir = tmp_path / "trunc"
    trunc_dir.mkdir()
    write_tiny(trunc_dir, cor=COR[: COR.index("RHS")])
    where = {"TINY": str(good), "TRUNC": str(trunc_dir / "TINY")}
    argv = [where.get(a, str(tmp_path / a) if a.startswith("missing") else a) for a in args]
    assert main(["sslp", *argv]) == 2
    captured = capsys.readouterr()
    assert expect in captured.err
    assert "Traceback" not in captured.err
    assert captured.err.count("error:") == 1


CONTRACT = ("objective", "bound", "scenarios", "solve_seconds")
"""The ``--json`` keys other checks rely on."""


@needs_sslp
@pytest.mark.parametrize(
    "args",
    [
        ("--workers", "1"),
        ("--workers", "2", "--backend", "local"),
        ("--workers", "2", "--backend", "ray"),
    ],
    ids=["in-process", "process-pool", "ray"],
)
def test_sslp_backends_give_the_same_proven_optimum(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """The subproblems run on the engine's backends; every one proves the same optimum."""
    if "ray" in args:
        pytest.importorskip("ray")
    name = "sslp_5_25_50"
    payload = _solve_json(capsys, str(SSLP / name), "--method", "lshaped", *args)
    assert set(CONTRACT) <= set(payload)
    _check(payload, name)
    assert payload["workers"] == int(args[1])
    assert payload["first_stage"] == {"x_1": 1.0, "x_3": 1.0}
