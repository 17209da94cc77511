"""Binding constraints of a solved plan, in words.

Which limits bind and what relaxing each by one unit is worth.

The LP with every binary fixed at its optimum is re-solved in the solved model's HiGHS instance
(no second build); its duals give the value of relaxing each binding limit. Every row is
labelled with its site, market, country, grid zone, provider, region, workload and period labels
(never integer positions), whatever family it belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence

import linopy
import numpy as np

from computegeo.core.errors import SolverError
from computegeo.evaluate.explain import FAMILY_WORDS
from computegeo.optimize.context import OBJECTIVE_SCALE_USD, ModelContext
from computegeo.optimize.families import BINDING_UNITS
from computegeo.optimize.solve import SolveOptions, Status, resolve_fixed_lp
from computegeo.results.plan import BindingConstraint

BINDING_FAMILIES: dict[str, str] = dict(BINDING_UNITS)
"""Row sets whose duals are reported, with the unit of the relaxation value (from the registry
:data:`computegeo.optimize.families.FAMILIES`)."""

MAX_BINDING_REPORTED = 25

DUAL_TOL = 1e-9
"""Duals smaller than this (in model units) are not binding."""


def binding_constraints(
    ctx: ModelContext,
    model: linopy.Model,
    opts: SolveOptions,
    extra_rows: Sequence[tuple[linopy.Model, int]] = (),
) -> tuple[tuple[BindingConstraint, ...], float, float]:
    """The binding constraints of the solved ``model`` and the seconds outside / inside HiGHS.

    The model's HiGHS instance is re-solved as the LP with every binary fixed at its optimum
    (:func:`computegeo.optimize.solve.resolve_fixed_lp`: no second build); its duals give the
    value of relaxing each limit by one unit.

    Parameters
    ----------
    ctx : ModelContext
        The context ``model`` was built from (for the rows' labels).
    model : linopy.Model
        The solved model of the plan.
    opts : SolveOptions
        Time limit and LP algorithm of the re-solve.
    extra_rows : sequence of (linopy.Model, int)
        Rows added to the HiGHS instance in place after ``model``'s own (see
        :func:`~computegeo.optimize.solve.resolve_fixed_lp`).

    Returns
    -------
    tuple of BindingConstraint, float, float
        Largest relaxation value first, at most :data:`MAX_BINDING_REPORTED`; the seconds
        outside HiGHS (changing the instance, reading duals) and inside it [s].
    """
    try:
        result, duals = resolve_fixed_lp(model, BINDING_FAMILIES, opts, extra_rows)
    except SolverError:
        return (), 0.0, 0.0
    outside_s = result.wall_seconds - result.solve_seconds
    if result.status is not Status.OPTIMAL:
        return (), outside_s, result.solve_seconds
    rows: list[BindingConstraint] = []
    for family, unit in BINDING_FAMILIES.items():
        if family not in duals:
            continue
        dual = duals[family]
        series = dual.to_series().dropna()
        series = series[series.abs() > DUAL_TOL]
        scale = 1.0 if family == "system-budget" else OBJECTIVE_SCALE_USD
        names = [str(n) for n in series.index.names]
        for key, value in series.items():
            where = _where(ctx, family, names, key)
            rows.append(
                BindingConstraint(
                    family=family,
                    name=f"{family}[{where}]",
                    description=f"{FAMILY_WORDS.get(family, family)} binds {where} ({unit})",
                    relaxation_value_usd=float(abs(value) * scale),
                )
            )
    rows.sort(key=lambda r: -r.relaxation_value_usd)
    return tuple(rows[:MAX_BINDING_REPORTED]), outside_s, result.solve_seconds


def _where(ctx: ModelContext, family: str, names: list[str], key: object) -> str:
    """Words for a constraint row, from its labels.

    The row's site, market, country, grid, provider, region, workload and period labels,
    never integer positions.
    The model's coordinates are labels already (site and market ids, period labels; see
    :class:`~computegeo.optimize.context.ModelContext`); market ids are shown by name and an
    N-1 requirement by the contingency, workload and regions it stands for.
    """
    d = ctx.data
    parts = key if isinstance(key, tuple) else (key,)
    values = dict(zip(names, parts, strict=False))
    period = _label(d.period_label, values.get("period"))
    if family == "contingency-share":
        index = ctx.n1requirement_index
        label = values.get("n1requirement")
        if label not in index:
            return f"for an N-1 requirement in {period}"
        i = int(index.get_loc(label))  # type: ignore[arg-type]
        req_c, req_w, req_node = ctx.n1_requirements
        lost = ctx.contingency_names[int(req_c[i])]
        w = int(req_w[i])
        where = ""
        if req_node[i] >= 0:
            regions = [
                d.region_id[r] for r in np.flatnonzero(ctx.net.member_node[w] == req_node[i])
            ]
            where = f" in {_short_list(regions)}"
        return f"after losing {lost} for {d.workload_id[w]}{where} in {period}"
    market_names = dict(zip(d.market_id, d.market_name, strict=True))
    words: list[str] = []
    for name, part in values.items():
        if name in ("system", "period"):
            continue
        if name == "site":
            words.append(_label(d.site_id, part))
        elif name == "market":
            words.append(market_names.get(str(part), str(part)))
        elif name == "workload":
            words.append(_label(d.workload_id, part))
        elif name == "region":
            words.append(_label(d.region_id, part))
        else:  # country, grid and provider ids are labels already
            words.append(str(part))
    if "period" in values:
        words.append(period)
    return "in " + ", ".join(words) if words else "overall"


def _label(labels: tuple[str, ...], part: object) -> str:
    """``labels[part]`` when ``part`` is an integer position in range, else ``str(part)``."""
    if isinstance(part, int | np.integer) and 0 <= int(part) < len(labels):
        return labels[int(part)]
    return str(part)


def _short_list(ids: list[str], n: int = 3) -> str:
    head = ", ".join(ids[:n])
    return head + (f" and {len(ids) - n} more regions" if len(ids) > n else "")
