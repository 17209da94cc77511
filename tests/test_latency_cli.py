"""``computegeo latency``: place names, lat,lon, and --pairs CSV files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from computegeo.cli import main
from computegeo.latency import great_circle_km, rtt_ms

CSV_DECIMALS_TOL = 0.006
"""rtt_ms is written with two decimals [ms]."""


def test_two_market_ids_print_estimate_and_distance(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "Sydney", "Tokyo"]) == 0
    out = capsys.readouterr().out
    assert "great-circle distance: 7,8" in out
    assert "estimated median RTT:" in out
    assert "market sydney" in out
    assert "market tokyo" in out


def test_lat_lon_with_negative_latitude(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "1.35,103.82", "-33.87,151.21"]) == 0
    out = capsys.readouterr().out
    expected = float(rtt_ms(1.35, 103.82, -33.87, 151.21))
    assert f"{expected:.1f} ms" in out
    d = float(great_circle_km(1.35, 103.82, -33.87, 151.21))
    assert f"{d:,.0f} km" in out


def test_demand_region_name_resolves(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "sydney_au", "london"]) == 0
    assert "demand region sydney_au" in capsys.readouterr().out


def test_unknown_place_suggests_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "sydny", "tokyo"]) == 2
    err = capsys.readouterr().err
    assert "unknown place 'sydny'" in err
    assert "Did you mean" in err


def test_wrong_number_of_places_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "sydney"]) == 2
    assert "expected two places" in capsys.readouterr().err


def test_out_of_range_lat_lon_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "95,0", "0,0"]) == 2
    assert "latitude" in capsys.readouterr().err


def test_pairs_file_rows_come_back_in_order_with_rtt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ("syd-tyo", -33.87, 151.21, 35.68, 139.69),
        ("same", 0.0, 0.0, 0.0, 0.0),
        ("lon-nyc", 51.5, -0.13, 40.71, -74.0),
        ("fra-ams", 50.11, 8.68, 52.37, 4.9),
    ]
    path = tmp_path / "pairs.csv"
    path.write_text(
        "label,from_lat,from_lon,to_lat,to_lon\n"
        + "".join(",".join(str(v) for v in r) + "\n" for r in rows)
    )
    assert main(["latency", "--pairs", str(path)]) == 0
    got = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert got[0] == ["label", "from_lat", "from_lon", "to_lat", "to_lon", "rtt_ms"]
    assert [g[0] for g in got[1:]] == [r[0] for r in rows]
    arr = np.array([r[1:] for r in rows], dtype=float)
    expected = rtt_ms(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3])
    np.testing.assert_allclose([float(g[-1]) for g in got[1:]], expected, atol=CSV_DECIMALS_TOL)
    # The original fields are written back unchanged.
    assert got[1][1:5] == ["-33.87", "151.21", "35.68", "139.69"]


def test_malformed_pairs_file_names_every_bad_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("from_lat,from_lon,to_lat,to_lon\n1,2,3,4\n1,2,3\nx,2,3,4\n1,2,95,4\n")
    assert main(["latency", "--pairs", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no half-written output
    assert "bad.csv" in captured.err
    assert "line 3:" in captured.err
    assert "line 4: from_lat = 'x' is not a number" in captured.err
    assert "line 5: to_lat = '95'" in captured.err
    assert "line 2:" not in captured.err


def test_pairs_file_without_required_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("lat1,lon1,lat2,lon2\n1,2,3,4\n")
    assert main(["latency", "--pairs", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err
    assert "from_lat" in err


def test_missing_or_empty_pairs_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latency", "--pairs", str(tmp_path / "nope.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["latency", "--pairs", str(empty)]) == 2
    assert "empty file" in capsys.readouterr().err


def test_header_only_pairs_file_prints_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "h.csv"
    path.write_text("from_lat,from_lon,to_lat,to_lon\n")
    assert main(["latency", "--pairs", str(path)]) == 0
    assert capsys.readouterr().out == "from_lat,from_lon,to_lat,to_lon,rtt_ms\n"


def test_pairs_and_places_together_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("from_lat,from_lon,to_lat,to_lon\n1,2,3,4\n")
    assert main(["latency", "--pairs", str(path), "sydney", "tokyo"]) == 2
