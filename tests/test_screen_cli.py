"""``computegeo screen`` end to end: formats, --explain, YAML section, errors with exit code 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from computegeo.cli import main

MARKETS_CSV = """\
market_id,name,country,power_price_usd_per_mwh,carbon_intensity_g_per_kwh,democracy_index,moratorium
a,Alpha,DE,100,300,8.8,false
b,Beta,US,50,400,7.9,true
c,Gamma,JP,80,500,8.4,false
d,Delta,BR,60,100,6.5,false
e,Eps,FR,90,60,8.0,false
"""


@pytest.fixture
def markets_csv(tmp_path: Path) -> Path:
    path = tmp_path / "markets.csv"
    path.write_text(MARKETS_CSV)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_table_default(capsys: pytest.CaptureFixture[str], markets_csv: Path) -> None:
    code, out, _ = run(
        capsys,
        "screen",
        "--markets",
        str(markets_csv),
        "-c",
        "price=1",
        "-c",
        "carbon=1",
        "-f",
        "not moratorium",
        "--samples",
        "100",
        "--top-k",
        "1",
    )
    assert code == 0
    assert "Method: weighted sum of min-max normalised criteria" in out
    assert "Ranked 4 markets; excluded 1." in out
    # hand check: price u = (1-(p-60)/40), carbon u = 1-(c-60)/440 -> d = (1 + 0.909)/2 first
    lines = [line for line in out.splitlines() if line[:2] in {"d ", "e ", "a ", "c "}]
    assert [line.split()[0] for line in lines] == ["d", "e", "c", "a"]
    assert "swaps the top two" in out


def test_csv_and_json(capsys: pytest.CaptureFixture[str], markets_csv: Path) -> None:
    code, out, _ = run(
        capsys,
        "screen",
        "--markets",
        str(markets_csv),
        "-c",
        "price=1",
        "--format",
        "csv",
        "--samples",
        "0",
    )
    assert code == 0
    table = pd.read_csv(io.StringIO(out), index_col="market_id")
    assert table.index.tolist() == ["b", "d", "c", "e", "a"]
    assert (table["method"] == "weighted_sum").all()
    code, out, _ = run(
        capsys,
        "screen",
        "--markets",
        str(markets_csv),
        "-c",
        "price=1",
        "-c",
        "carbon=3",
        "--method",
        "topsis",
        "--format",
        "json",
        "--samples",
        "50",
        "--seed",
        "2",
    )
    doc = json.loads(out)
    assert doc["method"] == "topsis"
    assert doc["weights"] == {"power_price_usd_per_mwh": 0.25, "carbon_intensity_g_per_kwh": 0.75}
    # hand TOPSIS: C(d) = 0.905 > C(e) = 0.890 (vector norms sqrt(30600), sqrt(513600))
    assert [r["market_id"] for r in doc["ranking"]][:2] == ["d", "e"]
    assert doc["sensitivity"]["seed"] == 2
    # same seed -> same output
    code, again, _ = run(
        capsys,
        "screen",
        "--markets",
        str(markets_csv),
        "-c",
        "price=1",
        "-c",
        "carbon=3",
        "--method",
        "topsis",
        "--format",
        "json",
        "--samples",
        "50",
        "--seed",
        "2",
    )
    assert again == out


def test_explain(capsys: pytest.CaptureFixture[str], markets_csv: Path) -> None:
    code, out, _ = run(
        capsys,
        "screen",
        "--markets",
        str(markets_csv),
        "-c",
        "price=1",
        "-c",
        "carbon=1",
        "--explain",
        "a",
        "--samples",
        "0",
    )
    assert code == 0
    # a: price utility 0, carbon (500-300)/440 -> score 0.2273; c scores 0.2 and is last
    assert out.startswith("a: rank 4 of 5, score 0.2273")
    assert "power_price_usd_per_mwh" in out
    assert "weight_share" in out
    args = ["--markets", str(markets_csv), "-c", "price=1", "-c", "carbon=1", "--explain", "a"]
    code, out, _ = run(capsys, "screen", *args, "--samples", "0", "--format", "json")
    doc = json.loads(out)
    assert doc["rank"] == 4
    assert sum(c["part"] for c in doc["criteria"]) == pytest.approx(doc["score"])


def test_yaml_section_and_output_file(
    capsys: pytest.CaptureFixture[str], markets_csv: Path, tmp_path: Path
) -> None:
    cfg = tmp_path / "screen.yaml"
    cfg.write_text(
        "screen:\n  criteria: {price: 1, carbon: 1}\n  filters: ['democracy_index >= 8']\n"
        "  sensitivity: {samples: 0}\n"
    )
    target = tmp_path / "out" / "rank.csv"
    code, out, _ = run(
        capsys,
        "screen",
        str(cfg),
        "--markets",
        str(markets_csv),
        "--format",
        "csv",
        "-o",
        str(target),
    )
    assert code == 0
    assert out == ""
    table = pd.read_csv(target, index_col="market_id")
    assert sorted(table.index) == ["a", "c", "e"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["-c", "prise=1"], ["'prise'", "Did you mean 'price'"]),
        (["-c", "price"], ["NAME=WEIGHT"]),
        (["-c", "price=-2"], ["finite number >= 0"]),
        (
            ["-c", "price=1", "-f", "democrazy_index > 5"],
            ["democrazy_index", "Did you mean 'democracy_index'"],
        ),
        (["-c", "price=1", "--explain", "alpah"], ["unknown market 'alpah'", "'alpha'"]),
        (["-c", "price=1", "--format", "xml"], ["'xml'"]),
        (["-c", "price=1", "-f", "democracy_index > 99"], ["No market left to rank"]),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], markets_csv: Path, args: list[str], fragments: list[str]
) -> None:
    (markets_csv.parent / "x").mkdir(exist_ok=True)
    text = MARKETS_CSV.replace("\na,Alpha", "\nalpha,Alpha")
    markets_csv.write_text(text)
    code, out, err = run(capsys, "screen", "--markets", str(markets_csv), "--samples", "0", *args)
    assert code == 2
    assert "Traceback" not in err
    assert out == ""
    for fragment in fragments:
        assert fragment in err


def test_missing_yaml_section(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cfg = tmp_path / "plan.yaml"
    cfg.write_text("name: x\n")
    code, _, err = run(capsys, "screen", str(cfg))
    assert code == 2
    assert "no 'screen:' section" in err


def test_shipped_catalog_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "screen",
        "-c",
        "power_price=2",
        "-c",
        "carbon=1",
        "-c",
        "democracy=1",
        "-f",
        "eu_eea",
        "-f",
        "not moratorium",
        "--format",
        "json",
        "--samples",
        "100",
    )
    assert code == 0
    doc = json.loads(out)
    from computegeo.dataset.catalog import load_markets

    markets = load_markets()
    ranked = [r["market_id"] for r in doc["ranking"]]
    expected = markets.index[markets["eu_eea"] & ~markets["moratorium"]]
    assert sorted(ranked) == sorted(expected)
    assert [r["rank"] for r in doc["ranking"]] == list(range(1, len(ranked) + 1))
    scores = [r["score"] for r in doc["ranking"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= r["estimated_weight_share"] <= 1.0 for r in doc["ranking"])


def test_override_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "override.csv"
    path.write_text(
        "market_id,power_price_usd_per_mwh,source,year,estimate_rule\n"
        "tokyo,1.0,our PPA quote,2026,assumed for the test\n"
    )
    code, out, _ = run(
        capsys,
        "screen",
        "--override",
        str(path),
        "-c",
        "price=1",
        "--format",
        "json",
        "--samples",
        "0",
    )
    assert code == 0
    first = json.loads(out)["ranking"][0]
    assert first["market_id"] == "tokyo"
    assert first["power_price_usd_per_mwh"] == 1.0
    assert first["estimated"] == "power_price_usd_per_mwh"
