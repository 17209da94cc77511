"""Named deterministic stress tests: parse strings such as ``"demand x2 + lose market tokyo"``.

Each stress is the forecast future with some things changed; parts combine with ``+``, ``&`` or
``and``. Accepted forms (case-insensitive; sizes take ``y`` years, ``q`` quarters or ``p``
periods, rounded up to whole periods):

- ``demand xF`` / ``demand xF WORKLOAD`` — demand (of one workload) times F in every period;
- ``power price xF`` — every power price times F;
- ``lose market MARKET [from YEAR]`` — the market is unavailable from YEAR (default: the start);
- ``lose jurisdiction CC [from YEAR]`` — every market of country CC is;
- ``slip market MARKET Ny`` / ``slip jurisdiction CC Ny`` — new build and lease capacity there
  comes online N later;
- ``equipment lead +Ny`` — every new own-build comes online N later.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from computegeo.core.errors import InputError, suggest
from computegeo.problem.data import ProblemData
from computegeo.risk.sample import Future
from computegeo.scenario.risk import years_to_periods

ACCEPTED_FORMS: tuple[str, ...] = (
    "demand xF [WORKLOAD]            e.g. 'demand x2', 'demand x1.5 training'",
    "power price xF                  e.g. 'power price x1.5'",
    "lose market MARKET [from YEAR]  e.g. 'lose market tokyo', 'lose market tokyo from 2029'",
    "lose jurisdiction CC [from YEAR] e.g. 'lose jurisdiction JP'",
    "slip market MARKET N(y|q|p)     e.g. 'slip market tokyo 2y'",
    "slip jurisdiction CC N(y|q|p)   e.g. 'slip jurisdiction JP 4q'",
    "equipment lead +N(y|q|p)        e.g. 'equipment lead +4y'",
    "combine parts with '+', '&' or 'and', e.g. 'demand x2 + lose market tokyo'",
)
"""The forms a stress string may take (shown when one does not parse)."""

_NUM = r"(\d+(?:\.\d+)?)"
_SIZE = _NUM + r"\s*(y|yr|yrs|years?|q|quarters?|p|periods?)"
_PATTERNS = {
    "demand": re.compile(rf"^demand\s+[x*×]\s*{_NUM}(?:\s+(?:for\s+)?([a-z0-9_]+))?$"),
    "power": re.compile(rf"^power(?:\s+price)?\s+[x*×]\s*{_NUM}$"),
    "lose": re.compile(
        r"^lose\s+(market|jurisdiction|country)\s+([a-z0-9_]+)(?:\s+(?:from|in)\s+(\d{4}))?$"
    ),
    "slip": re.compile(rf"^slip\s+(market|jurisdiction|country)\s+([a-z0-9_]+)\s+\+?{_SIZE}$"),
    "equipment": re.compile(rf"^equipment(?:\s+lead)?\s+\+\s*{_SIZE}$"),
}
_SPLIT = re.compile(r"\s+(?:\+|&|and)\s+")


@dataclass(frozen=True)
class StressCase:
    """A named stress test and the future it stands for."""

    name: str
    future: Future


def _periods(number: str, unit: str, data: ProblemData) -> int:
    years = float(number) / (4.0 if unit.startswith("q") else 1.0)
    length = float(np.median(data.period_length_years))
    if unit.startswith("p"):
        return max(1, round(float(number)))
    return years_to_periods(years, length)


def _bad(text: str, why: str) -> InputError:
    msg = f"stress test {text!r}: {why}"
    return InputError(msg, ["accepted forms:", *ACCEPTED_FORMS])


def _markets(kind: str, ident: str, text: str, data: ProblemData) -> np.ndarray:
    if kind == "market":
        if ident not in data.market_id:
            raise _bad(
                text, f"{ident!r} is not a candidate market.{suggest(ident, data.market_id)}"
            )
        return np.arange(data.n_markets) == data.market_id.index(ident)
    code = ident.upper()
    mask = np.array([c == code for c in data.market_country])
    if not mask.any():
        countries = sorted(set(data.market_country))
        raise _bad(text, f"no candidate market is in {code!r}.{suggest(code, countries)}")
    return mask


def _from_period(year: str | None, text: str, data: ProblemData) -> int:
    if year is None:
        return 0
    y = float(year)
    inside = np.flatnonzero(data.period_start_year <= y)
    if y > data.period_start_year[-1] + data.period_length_years[-1] or not len(inside):
        raise _bad(
            text,
            f"{year} is outside the horizon {data.period_label[0]}-{data.period_label[-1]}",
        )
    return int(inside[-1])


def parse_stress(text: str, data: ProblemData, forecast: Future) -> StressCase:
    """Turn one stress string into the forecast future with its changes applied.

    Parameters
    ----------
    text : str
        The stress string, e.g. ``"demand x2 + lose market a from 2028"``.
    data : ProblemData
        For market ids, countries, workloads and period lengths.
    forecast : Future
        The future to change (normally :func:`~computegeo.risk.sample.forecast_future`).

    Returns
    -------
    StressCase
        The string (stripped) as its name, and the changed future.

    Raises
    ------
    InputError
        Naming the string, what is wrong and every accepted form.

    Examples
    --------
    >>> from computegeo.testing import tiny_problem
    >>> from computegeo.risk.sample import forecast_future
    >>> from computegeo.risk.model import resolve
    >>> from computegeo.scenario.risk import RiskSection
    >>> import pandas as pd
    >>> data = tiny_problem()
    >>> base = forecast_future(resolve(RiskSection(), data, pd.DataFrame()))
    >>> case = parse_stress("demand x2 + lose market a from 2028", data, base)
    >>> case.future.demand_multiplier.max(), case.future.loss_period.tolist()
    (np.float64(2.0), [1, 2])
    """
    parts = [p.strip() for p in _SPLIT.split(text.strip().lower()) if p.strip()]
    if not parts:
        raise _bad(text, "it is empty")
    f = forecast
    for part in parts:
        f = _apply(part, text, data, f)
    return StressCase(name=text.strip(), future=f)


def _apply(part: str, text: str, data: ProblemData, f: Future) -> Future:  # noqa: C901
    part = re.sub(r"\s+", " ", part)
    if m := _PATTERNS["demand"].match(part):
        factor = float(m.group(1))
        rows = np.ones(data.n_workloads, dtype=bool)
        if m.group(2):
            wid = m.group(2)
            if wid not in data.workload_id:
                raise _bad(text, f"{wid!r} is not a workload id.{suggest(wid, data.workload_id)}")
            rows = np.arange(data.n_workloads) == data.workload_id.index(wid)
        mult = np.where(rows[:, None], f.demand_multiplier * factor, f.demand_multiplier)
        return dataclasses.replace(f, demand_multiplier=mult)
    if m := _PATTERNS["power"].match(part):
        return dataclasses.replace(f, price_multiplier=f.price_multiplier * float(m.group(1)))
    if m := _PATTERNS["lose"].match(part):
        mask = _markets(m.group(1), m.group(2), text, data)
        period = _from_period(m.group(3), text, data)
        loss = np.where(mask, np.minimum(f.loss_period, period), f.loss_period)
        return dataclasses.replace(f, loss_period=loss)
    if m := _PATTERNS["slip"].match(part):
        mask = _markets(m.group(1), m.group(2), text, data)
        n = _periods(m.group(3), m.group(4), data)
        return dataclasses.replace(
            f,
            slip_build_periods=f.slip_build_periods + np.where(mask, n, 0),
            slip_lease_periods=f.slip_lease_periods + np.where(mask, n, 0),
        )
    if m := _PATTERNS["equipment"].match(part):
        n = _periods(m.group(1), m.group(2), data)
        return dataclasses.replace(
            f, slip_build_periods=f.slip_build_periods + n, equipment_shock=True
        )
    raise _bad(text, f"{part!r} is not a stress test this version understands")
