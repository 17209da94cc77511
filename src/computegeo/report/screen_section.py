"""The report's "Market screen" section: the ranked screen of the plan's candidate markets.

Rendered only when the scenario has a ``screen:`` section (see ``docs/screening.md``); the same
ranking is written to ``tables/screen.csv``.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from computegeo.report.formatting import share
from computegeo.screen import KNOWN_CRITERIA, ScreenResult

MAX_SCREEN_ROWS = 40
"""Most rows of the screen table in the report; the full ranking is in tables/screen.csv."""

_METHOD_TEXT = {
    "weighted_sum": "weighted sum of min-max normalised criteria (0-1, higher is better)",
    "topsis": "TOPSIS: relative closeness to the ideal market (0-1, higher is better)",
}


def _value(value: object) -> str:
    if isinstance(value, int | float) and math.isfinite(float(value)):
        v = float(value)
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.3g}"
    return "—"


def _header(column: str) -> str:
    info = KNOWN_CRITERIA.get(column)
    if info is None:
        return escape(column.replace("_", " "))
    unit = f"{escape(info.unit)}, {info.direction.value}"
    return f"{escape(info.description)}<br><small>{unit}</small>"


def screen_section(result: ScreenResult, *, top: int | None = None) -> str:
    """The "Market screen" section (HTML) of a screen result.

    Parameters
    ----------
    result : ScreenResult
        Output of :func:`computegeo.screen.screen` on the plan's candidate markets.
    top : int, optional
        Rows to show (default: all, at most :data:`MAX_SCREEN_ROWS`); a ``result`` whose table
        was already cut to its top rows is also counted right (from ``result.parts``).

    Returns
    -------
    str
        ``<section id="screen">`` with the method, the weight shares, the ranked table
        (estimated values marked ``*``) and the excluded markets.
    """
    table = result.table
    n_ranked = int(result.parts["market_id"].nunique())  # ``table`` may be cut to the top rows
    limit = min(top or MAX_SCREEN_ROWS, MAX_SCREEN_ROWS)
    shown = table.head(limit)
    cols = [c.column for c in result.criteria]
    with_share = "top_k_share" in table.columns and result.sensitivity is not None
    sens = result.sensitivity
    head = (
        '<th class="num">Rank</th><th>Market</th><th class="num">Score</th>'
        + "".join(f'<th class="num">{_header(c)}</th>' for c in cols)
        + (
            f'<th class="num">Share of draws in top {sens.top_k}</th>'
            if with_share and sens
            else ""
        )
    )
    rows = [_screen_row(str(mid), row, cols, with_share) for mid, row in shown.iterrows()]
    notes = _screen_notes(result, n_ranked, len(shown))
    return (
        '<section id="screen"><h2>Market screen</h2>'
        f"{_screen_intro(result, n_ranked)}"
        f'<table id="table-screen"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + "".join(f'<p class="note">{n}</p>' for n in notes)
        + "</section>"
    )


def _screen_row(market_id: str, row: pd.Series, cols: list[str], with_share: bool) -> str:
    """One ranked market: rank, name, score, each criterion (estimates marked *), top-k share."""
    estimated = set(str(row.get("estimated", "") or "").split(";")) - {""}
    name = str(row.get("name", market_id))
    country = str(row.get("country", ""))
    cells = [
        f'<td class="num">{int(row["rank"])}</td>',
        f"<td>{escape(name)}{f' ({escape(country)})' if country else ''}"
        f"<br><code>{escape(market_id)}</code></td>",
        f'<td class="num">{float(row["score"]):.3f}</td>',
    ]
    for c in cols:
        mark = '<abbr title="estimated value">*</abbr>' if c in estimated else ""
        cells.append(f'<td class="num">{_value(row[c])}{mark}</td>')
    if with_share:
        cells.append(f'<td class="num">{share(float(row["top_k_share"]), digits=0)}</td>')
    return f"<tr>{''.join(cells)}</tr>"


def _screen_intro(result: ScreenResult, n_ranked: int) -> str:
    """What was ranked, by which method and weights, against which demand."""
    weights = ", ".join(
        f"{escape(c.replace('_', ' '))} {share(w, digits=0)}"
        for c, w in result.weight_shares.items()
    )
    method = _METHOD_TEXT.get(result.method.value, result.method.value)
    return (
        f"<p>The plan's {n_ranked + len(result.excluded)} candidate markets ranked by the "
        f"scenario's <code>screen:</code> section. Method: <b>{escape(result.method.value)}</b> "
        f"({escape(method)}). Weight shares: {weights}."
        + (
            f" Latency is the internet-user-weighted round-trip time to "
            f"{escape(', '.join(result.demand))}."
            if result.demand
            else ""
        )
        + " Values marked * are estimates (their rule is in "
        "<code>computegeo markets show MARKET</code>).</p>"
    )


def _screen_notes(result: ScreenResult, n_ranked: int, n_shown: int) -> list[str]:
    """Notes under the table: the sensitivity draws, rows not shown, markets not ranked."""
    sens = result.sensitivity
    notes = []
    if sens is not None and sens.samples > 0:
        conc = "uniform" if sens.concentration is None else f"concentration {sens.concentration:g}"
        notes.append(
            f"Share of draws in top {sens.top_k}: how often the market ranks in the top "
            f"{sens.top_k} over {sens.samples:,} weight draws around these weights (Dirichlet, "
            f"{conc}, seed {sens.seed})."
        )
    if n_ranked > n_shown:
        notes.append(f"{n_ranked - n_shown} further ranked markets are in tables/screen.csv.")
    if len(result.excluded):
        excluded = "; ".join(
            f"{escape(str(m))}: {escape(str(r))}" for m, r in result.excluded["reason"].items()
        )
        notes.append(f"Not ranked ({len(result.excluded)}): {excluded}.")
    return notes
