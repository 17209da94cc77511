"""``computegeo latency``: estimated round-trip time between places.

Examples (shell)::

    computegeo latency sydney tokyo                 # market ids
    computegeo latency "Sao Paulo" london           # demand-region or market names
    computegeo latency 1.35,103.82 -33.87,151.21    # lat,lon in degrees
    computegeo latency --pairs pairs.csv > with_rtt.csv

A ``--pairs`` file is a CSV with the columns ``from_lat,from_lon,to_lat,to_lon`` (others are
kept); every row is written back, in the same order, with an added ``rtt_ms`` column.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from computegeo.core.errors import InputError
from computegeo.dataset.places import resolve_place
from computegeo.latency import fibre_floor_rtt_ms, great_circle_km, rtt_ms

PAIR_COLUMNS = ("from_lat", "from_lon", "to_lat", "to_lon")


def _read_pairs(source: str) -> tuple[list[str], list[list[str]], np.ndarray]:
    """Read and validate a pairs CSV; collect every bad line into one error."""
    name = "standard input" if source == "-" else source
    reader = csv.reader(io.StringIO(_read_pairs_text(source)))
    header = _pairs_header(name, next(reader, None))
    col = [header.index(c) for c in PAIR_COLUMNS]
    rows: list[list[str]] = []
    coords: list[list[float]] = []
    problems: list[str] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or all(not f.strip() for f in row):
            continue
        if len(row) != len(header):
            problems.append(f"line {line_no}: {len(row)} fields, the header has {len(header)}")
            continue
        values = _pair_coordinates(row, col, line_no, problems)
        if values is not None:
            rows.append(row)
            coords.append(values)
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(f"... and {len(problems) - 20} more")
        msg = f"{name}: {len(problems)} malformed line(s); fix them and run again"
        raise InputError(msg, shown)
    return header, rows, np.array(coords, dtype=np.float64).reshape(-1, 4)


def _read_pairs_text(source: str) -> str:
    """The text of the pairs file ``source`` (``-`` for standard input)."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if path.is_dir():
        msg = f"pairs file {source} is a directory (give a CSV file inside it)"
        raise InputError(msg)
    if not path.is_file():
        cols = ",".join(PAIR_COLUMNS)
        msg = f"pairs file {source} does not exist (give a CSV with columns {cols})"
        raise InputError(msg)
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read pairs file {source}: {exc}"
        raise InputError(msg) from exc


def _pairs_header(name: str, header: list[str] | None) -> list[str]:
    """The stripped header of the pairs file ``name``, checked for the coordinate columns."""
    if header is None:
        msg = f"{name}: empty file; the first line must be the header {','.join(PAIR_COLUMNS)}"
        raise InputError(msg)
    header = [h.strip() for h in header]
    missing = [c for c in PAIR_COLUMNS if c not in header]
    if missing:
        msg = (
            f"{name} line 1: header lacks column(s) {', '.join(missing)}; "
            f"it must contain {','.join(PAIR_COLUMNS)}"
        )
        raise InputError(msg)
    if "rtt_ms" in header:
        msg = f"{name} line 1: already has an 'rtt_ms' column; remove or rename it"
        raise InputError(msg)
    return header


def _pair_coordinates(
    row: list[str], col: list[int], line_no: int, problems: list[str]
) -> list[float] | None:
    """A row's four coordinates [degrees], or ``None`` after adding its first problem."""
    values: list[float] = []
    for c, k in zip(PAIR_COLUMNS, col, strict=True):
        try:
            v = float(row[k])
        except ValueError:
            problems.append(f"line {line_no}: {c} = {row[k]!r} is not a number")
            return None
        limit = 90.0 if c.endswith("lat") else 180.0
        if not math.isfinite(v) or abs(v) > limit:
            problems.append(
                f"line {line_no}: {c} = {row[k]!r} is outside [-{limit:g}, {limit:g}] degrees"
            )
            return None
        values.append(v)
    return values


def register(app: typer.Typer) -> None:
    """Add the ``latency`` command to ``app``.

    Parameters
    ----------
    app : typer.Typer
        The ``computegeo`` application.
    """

    @app.command(
        "latency",
        context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True},
    )
    def latency_command(
        places: Annotated[
            list[str] | None,
            typer.Argument(help="FROM and TO: market id, demand-region name/id, or 'lat,lon'."),
        ] = None,
        pairs: Annotated[
            str | None,
            typer.Option(
                "--pairs",
                help=(
                    "CSV with from_lat,from_lon,to_lat,to_lon; prints it with an rtt_ms column "
                    "('-' = stdin)."
                ),
            ),
        ] = None,
    ) -> None:
        """Estimate the median round-trip time (ms) and great-circle distance (km)."""
        places = places or []
        if pairs is not None:
            if places:
                msg = "give either two places or --pairs FILE, not both"
                raise InputError(msg)
            header, rows, coords = _read_pairs(pairs)
            rtt = np.atleast_1d(rtt_ms(coords[:, 0], coords[:, 1], coords[:, 2], coords[:, 3]))
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow([*header, "rtt_ms"])
            for row, value in zip(rows, rtt, strict=True):
                writer.writerow([*row, f"{float(value):.2f}"])
            sys.stdout.write(buf.getvalue())
            return
        if len(places) != 2:
            msg = (
                f"expected two places (FROM TO), got {len(places)}; e.g. 'computegeo latency "
                "sydney "
                "tokyo' or 'computegeo latency --pairs pairs.csv'"
            )
            raise InputError(msg)
        a, b = (resolve_place(p) for p in places)
        d_km = float(great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude))
        est = float(rtt_ms(a.latitude, a.longitude, b.latitude, b.longitude))
        typer.echo(f"from: {a.label} at {a.latitude:.4f},{a.longitude:.4f}")
        typer.echo(f"to:   {b.label} at {b.latitude:.4f},{b.longitude:.4f}")
        typer.echo(f"great-circle distance: {d_km:,.0f} km")
        floor_ms = float(fibre_floor_rtt_ms(d_km))
        typer.echo(f"estimated median RTT: {est:.1f} ms (fibre floor {floor_ms:.1f} ms)")
