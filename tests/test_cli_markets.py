"""``computegeo markets``: the interface contract (table, filters, show, JSON/CSV, errors)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from computegeo.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["markets", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_lists_markets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    assert "sydney" in out
    assert "n_virginia" in out
    assert "* = estimated" in out


def test_region_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--region", "europe", "--eu", "--min-democracy", "9", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    ids = {r["market_id"] for r in rows}
    assert "dublin" in ids
    assert "london" not in ids
    assert "paris" not in ids
    assert all(float(r["democracy_index"]) >= 9 and r["eu_eea"] == "True" for r in rows)
    code, out, _ = run(
        capsys, "--where", "power_price_usd_per_mwh<80", "--region", "north_america", "-f", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows
    assert all(float(r["power_price_usd_per_mwh"]) < 80 for r in rows)
    assert {r["continent"] for r in rows} == {"north_america"}
    code, out, _ = run(capsys, "--region", "JP", "--format", "csv")
    assert {r["market_id"] for r in csv.DictReader(io.StringIO(out))} == {"tokyo", "osaka"}


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert isinstance(data, list)
    assert len(data) >= 45
    for m in data:
        assert {"id", "name", "country", "latitude", "longitude", "attributes"} <= set(m)
        assert len(m["country"]) == 2
        assert m["country"].isupper()
        for name, a in m["attributes"].items():
            assert {"value", "unit", "source", "year", "estimated"} <= set(a), name
            assert isinstance(a["estimated"], bool)
    syd = next(m for m in data if m["id"] == "sydney")
    assert syd["attributes"]["pue"]["unit"] == "ratio"
    assert syd["attributes"]["carbon_intensity_g_per_kwh"]["year"] == 2024


def test_show_prints_source_and_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "tokyo")
    assert code == 0
    assert "build_cost_usd_per_mw" in out
    assert "Turner & Townsend" in out
    assert "[2025, measured]" in out
    assert out.count("source:") >= 29
    code, out, _ = run(capsys, "show", "tokyo", "--format", "json")
    assert json.loads(out)["id"] == "tokyo"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("show", "sydny"), "Did you mean 'sydney'"),
        (("--region", "eurpoe"), "Did you mean 'europe'"),
        (("--where", "democrazy_index>=7"), "Did you mean 'democracy_index'"),
        (("--where", "democracy_index is high"), "COLUMN OP VALUE"),
        (("--format", "xml"), "table, json, csv"),
        (("--max-hazard", "hgh"), "Did you mean 'high'"),
    ],
)
def test_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], needle: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert out == ""


def test_unknown_flag_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--formt", "json")
    assert code == 2
    assert "--format" in err


def test_override_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "o.csv"
    f.write_text("market_id,pue\nsydney,1.31\n")
    out_file = tmp_path / "m.json"
    code, _, _ = run(capsys, "--override", str(f), "--format", "json", "--output", str(out_file))
    assert code == 0
    syd = next(m for m in json.loads(out_file.read_text()) if m["id"] == "sydney")
    assert syd["attributes"]["pue"]["value"] == 1.31
    assert "o.csv" in syd["attributes"]["pue"]["source"]
    bad = tmp_path / "bad.csv"
    bad.write_text("market_id,pue\nsydney,0.2\n")
    code, _, err = run(capsys, "--override", str(bad), "--output", str(tmp_path / "x.json"))
    assert code == 2
    assert "bad.csv, row 2, column 'pue'" in err
    assert not (tmp_path / "x.json").exists()


def test_residency_filter_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--residency", "eu_personal:DE", "--format", "csv")
    assert code == 0
    countries = {r["country"] for r in csv.DictReader(io.StringIO(out))}
    assert {"JP", "GB", "DE", "KR"} <= countries
    assert not countries & {"US", "SG", "AU", "IN"}
    code, out, _ = run(capsys, "--residency", "au_health:AU", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["market_id"] for r in rows} == {"sydney", "melbourne"}
    code, out, _ = run(capsys, "residency", "eu_personal", "--from", "DE")
    assert code == 0
    assert "JP" in out
    assert "Data Privacy Framework" in out
    assert "Legal basis" in out
    code, _, err = run(capsys, "--residency", "eu_personal")
    assert code == 2
    assert "DATA_CLASS:ORIGIN" in err


def test_docs_examples_run() -> None:
    import doctest
    from pathlib import Path

    page = Path(__file__).resolve().parent.parent / "docs" / "data.md"
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8
    assert result.failed == 0


def test_sort_and_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--sort", "-ix_capacity_gbps", "--format", "csv")
    assert code == 0
    ix = [float(r["ix_capacity_gbps"]) for r in csv.DictReader(io.StringIO(out))]
    assert ix == sorted(ix, reverse=True)
    code, out, _ = run(capsys, "--columns", "pue,hazard_class", "--region", "oceania")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["id", "name", "PUE", "hazard"]
    code, _, err = run(capsys, "--columns", "pue,democrazy_index")
    assert code == 2
    assert "Did you mean 'democracy_index'" in err
