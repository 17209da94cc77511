"""``tables/plan.xlsx``: a summary sheet plus one sheet per plan table, written with openpyxl.

The sheets hold the same rows and columns as the CSV tables (``computegeo.results.plan.TABLES``),
so a strategy team can open the plan in a spreadsheet without re-importing four files.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from computegeo.results.plan import TABLES, Plan

SUMMARY_SHEET = "summary"
"""Name of the first sheet."""


def _frames(plan: Plan) -> dict[str, pd.DataFrame]:
    return {
        "capacity": plan.capacity_frame(),
        "builds": plan.builds_frame(),
        "assignments": plan.assignments_frame(),
        "unmet": plan.unmet_frame(),
    }


def _cell(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    return value


def workbook_bytes(plan: Plan, scenario_name: str) -> bytes:
    """The workbook as bytes (write it atomically where wanted).

    Parameters
    ----------
    plan : Plan
        The plan whose figures and tables are written.
    scenario_name : str
        Shown on the summary sheet.

    Returns
    -------
    bytes
        An .xlsx file: sheet ``summary`` (key figures with units) then one sheet per table of
        :data:`computegeo.results.plan.TABLES`, header row first.
    """
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY_SHEET
    k = plan.kpis
    rows: list[tuple[str, object, str]] = [
        ("scenario", scenario_name, ""),
        ("periods", f"{plan.scenario.periods[0]}-{plan.scenario.periods[-1]}", ""),
        ("currency year", plan.scenario.currency_year, ""),
        ("solve status", plan.solve.status.value, ""),
        ("MIP gap", plan.solve.mip_gap, "-"),
        ("objective", plan.solve.objective_usd, "USD, discounted"),
        ("NPV (excl. unmet penalty)", k.npv_usd, "USD, discounted"),
        ("capex", k.capex_usd, "USD, discounted"),
        ("power", k.opex_usd.power, "USD, discounted"),
        ("rent", k.opex_usd.rent, "USD, discounted"),
        ("cloud", k.opex_usd.cloud, "USD, discounted"),
        ("O&M", k.opex_usd.om, "USD, discounted"),
        ("carbon", k.opex_usd.carbon, "USD, discounted"),
        ("unmet penalty", k.unmet_penalty_usd, "USD, discounted"),
        ("overnight capex", k.overnight_capex_usd, "USD"),
        ("energy", k.energy_mwh, "MWh"),
        ("emissions", k.carbon_t, "tCO2"),
        ("largest unmet load", k.unmet_mw, "MW"),
        ("HHI by market", k.hhi_market, "0-1"),
    ]
    rows += [(f"capacity {p}", v, "MW") for p, v in k.capacity_mw_by_period.items()]
    summary.append(["figure", "value", "unit"])
    for label, value, unit in rows:
        summary.append([label, _cell(value), unit])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    frames = _frames(plan)
    for name in TABLES:
        sheet = book.create_sheet(name)
        frame = frames[name]
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in record])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
