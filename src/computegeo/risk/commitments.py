"""A plan's first-stage commitments, and when their capacity is online in a future.

The plan's builds, leases and cloud commitments are fixed in every future
(:class:`Commitments`); a future only moves when each vintage comes online (slips) and removes
it from the period its market is lost (:func:`committed_capacity_mw`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from computegeo.core.errors import DataError
from computegeo.problem.data import ProblemData
from computegeo.risk.sample import Future
from computegeo.scenario.enums import Form

if TYPE_CHECKING:
    from computegeo.results.plan import Plan


@dataclass(frozen=True, eq=False)
class Commitments:
    """First-stage decisions of a plan, fixed in every future.

    Attributes
    ----------
    build_mw : ndarray, shape (S, T)
        MW decided at site ``s`` in period ``tau`` (online from ``tau + lead``) [MW].
    campus_open : ndarray, shape (S, T)
        1 where a new campus is opened by that decision [-].
    """

    build_mw: np.ndarray
    campus_open: np.ndarray


def commitments_from_plan(data: ProblemData, plan: Plan) -> Commitments:
    """The plan's build, lease and cloud decisions as arrays over ``data``'s sites and periods.

    Parameters
    ----------
    data : ProblemData
        The problem the plan answers (its site and period order).
    plan : Plan
        The plan; its builds are summed per site and decision period.

    Returns
    -------
    Commitments
        ``build_mw`` [MW] and ``campus_open`` [0/1], shape (S, T).

    Raises
    ------
    DataError
        When the plan names a site or period the problem does not have (a plan of another
        scenario).
    """
    build = np.zeros((data.n_sites, data.n_periods))
    campus = np.zeros((data.n_sites, data.n_periods))
    site = {s: i for i, s in enumerate(data.site_id)}
    period = {p: i for i, p in enumerate(data.period_label)}
    problems = []
    for row in plan.builds:
        if row.site_id not in site or row.decision_period not in period:
            problems.append(
                f"build of {row.mw:.1f} MW at {row.site_id!r} in {row.decision_period!r}"
            )
            continue
        build[site[row.site_id], period[row.decision_period]] += row.mw
        if row.new_campus:
            campus[site[row.site_id], period[row.decision_period]] = 1.0
    if problems:
        msg = f"the plan does not belong to scenario {data.name!r}: it has decisions it cannot map"
        raise DataError(msg, problems[:10])
    return Commitments(build_mw=build, campus_open=campus)


def committed_capacity_mw(
    data: ProblemData, commitments: Commitments, future: Future
) -> np.ndarray:
    """Committed capacity online per site and period in ``future`` [MW], shape (S, T).

    Vintages of build (lease) sites start ``slip_build_periods`` (``slip_lease_periods``) of
    their market later and keep their term; everything in a market is gone from its loss
    period on.

    Parameters
    ----------
    data : ProblemData
        Existing capacity [MW], lead times and terms [periods], site markets.
    commitments : Commitments
        Build decisions [MW] per site and decision period.
    future : Future
        Its slips [periods] and losses.

    Returns
    -------
    ndarray, shape (S, T)
        Existing plus committed capacity online, zero where the market is lost [MW].
    """
    new = np.einsum("st,stu->su", commitments.build_mw, vintage_online(data, future))
    alive = ~future.lost()[data.site_market]  # (S, T)
    out: np.ndarray = (data.existing_mw + new) * alive
    return out


def vintage_online(data: ProblemData, future: Future) -> np.ndarray:
    """Which vintage is online when in ``future``.

    A vintage of site ``s`` decided in ``tau`` comes online after its lead time plus the
    future's slip of its form (build or lease) and market, and stays for its term.

    Parameters
    ----------
    data : ProblemData
        Site forms and markets, lead times and terms [periods].
    future : Future
        Its build and lease slips [periods].

    Returns
    -------
    ndarray of bool, shape (S, T, T)
        ``[s, tau, t]``: the vintage of ``s`` decided in ``tau`` is online in ``t``.
    """
    t_n = data.n_periods
    forms = data.site_form
    slip = np.where(
        np.array([f is Form.BUILD for f in forms]),
        future.slip_build_periods[data.site_market],
        np.where(
            np.array([f is Form.LEASE for f in forms]),
            future.slip_lease_periods[data.site_market],
            0,
        ),
    )
    start = data.lead_periods + slip  # (S,)
    tau = np.arange(t_n)[None, :, None]
    t = np.arange(t_n)[None, None, :]
    on: np.ndarray = (t >= tau + start[:, None, None]) & (
        t < tau + start[:, None, None] + data.term_periods[:, None, None]
    )
    return on
