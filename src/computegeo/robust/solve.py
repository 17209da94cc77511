"""Solve a two-stage program: choose the method, add N-1 rows lazily, report how.

:func:`solve_two_stage` picks the extensive form for small future sets and Benders for large
ones (``risk.optimize.method``; the choice and its reason are part of the result). N-1
contingencies are added as the planner adds them: only those that hit a market holding
capacity in the current commitments, re-solving until none is new (every other contingency is
implied, as in :func:`computegeo.planner.plan`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from computegeo.engine.workers import Backend
from computegeo.optimize.context import make_context
from computegeo.optimize.network import build_network
from computegeo.optimize.solve import SolveOptions
from computegeo.problem.data import ProblemData
from computegeo.risk.commitments import Commitments
from computegeo.robust.benders import solve_benders
from computegeo.robust.extensive import solve_extensive
from computegeo.robust.program import Method, RobustSolution, TwoStageProblem
from computegeo.scenario.risk import RobustMethod, RobustOptimize

MAX_N1_ROUNDS = 10
"""After this many lazy rounds every contingency is added."""


def choose_method(section: RobustOptimize, n_futures: int) -> tuple[Method, str]:
    """The method for ``n_futures`` futures and why.

    Parameters
    ----------
    section : RobustOptimize
        Its ``method`` (``extensive``, ``benders`` or automatic) and ``extensive_max_futures``.
    n_futures : int
        Number of planning futures.

    Returns
    -------
    method : Method
        Extensive form when asked for or (automatic) when ``n_futures`` is at most
        ``extensive_max_futures``; else Benders.
    reason : str
        Why, in words.

    Examples
    --------
    >>> choose_method(RobustOptimize(), 10)[0].value, choose_method(RobustOptimize(), 200)[0].value
    ('extensive', 'benders')
    """
    if section.method is RobustMethod.EXTENSIVE:
        return Method.EXTENSIVE, "method: extensive (asked for)"
    if section.method is RobustMethod.BENDERS:
        return Method.BENDERS, "method: benders (asked for)"
    limit = section.extensive_max_futures
    if n_futures <= limit:
        return Method.EXTENSIVE, f"auto: {n_futures} futures <= {limit}, one extensive form"
    return Method.BENDERS, f"auto: {n_futures} futures > {limit}, L-shaped decomposition"


def _new_contingencies(
    data: ProblemData, commitments: Commitments, included: list[int]
) -> list[int]:
    conts = data.contingencies()
    if not conts:
        return []
    planned = data.existing_mw + np.einsum("st,stu->su", commitments.build_mw, data.online_mask())
    cap_m = np.zeros((data.n_markets, data.n_periods))
    np.add.at(cap_m, data.site_market, planned)
    new = [
        c for c, (_n, lost) in enumerate(conts) if c not in included and cap_m[lost].sum() > 1e-6
    ]
    if not new and not included:
        new = [0]
    return new


def solve_two_stage(
    problem: TwoStageProblem,
    section: RobustOptimize,
    *,
    workers: int = 1,
    backend: Backend = Backend.LOCAL,
    method: Method | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> RobustSolution:
    """Solve ``problem`` to ``section.gap`` within ``section.time_limit_s``.

    Parameters
    ----------
    problem : TwoStageProblem
        The planning problem, its futures and the risk measure.
    section : RobustOptimize
        Gap, time limit, method, iteration limit.
    workers : int
        Subproblem workers (Benders).
    backend : Backend
        Where Benders subproblems run (local process pool or Ray).
    method : Method, optional
        Override the section's choice.
    on_progress : callable, optional
        Called with a message per N-1 round and per Benders iteration.

    Returns
    -------
    RobustSolution
        ``seconds`` covers every N-1 round (contingencies are added lazily, all of them after
        :data:`MAX_N1_ROUNDS` rounds).

    Raises
    ------
    InfeasibleError, SolverError
        From the extensive form or Benders.
    """
    start = time.perf_counter()
    say = on_progress or (lambda _m: None)
    chosen, reason = choose_method(section, problem.n_futures)
    if method is not None:
        chosen, reason = method, f"method: {method.value} (asked for)"
    data = problem.data
    net = build_network(data)
    included: list[int] = list(problem.contingency_ids)
    rounds = 0
    while True:
        rounds += 1
        ctx = dataclasses.replace(make_context(data, tuple(included)), net=net)
        p = dataclasses.replace(problem, contingency_ids=tuple(included))
        left = max(section.time_limit_s - (time.perf_counter() - start), 1.0)
        say(f"{chosen.value}: {problem.n_futures} futures, {len(included)} N-1 contingencies")
        if chosen is Method.EXTENSIVE:
            opts = SolveOptions(mip_rel_gap=section.gap, time_limit_s=left)
            sol = solve_extensive(p, ctx, opts, reason)
        else:
            sol = solve_benders(
                p,
                ctx,
                gap=section.gap,
                time_limit_s=left,
                max_iterations=section.max_iterations,
                reason=reason,
                workers=workers,
                backend=backend,
                on_progress=say,
            )
        new = _new_contingencies(data, sol.commitments, included)
        if not new:
            break
        if rounds >= MAX_N1_ROUNDS:
            new = [c for c in range(len(data.contingencies())) if c not in included]
        included = sorted(set(included) | set(new))
        say(f"adding {len(new)} N-1 contingencies")
    return dataclasses.replace(sol, seconds=time.perf_counter() - start)


def perfect_information_usd(
    problem: TwoStageProblem, section: RobustOptimize, count: int | None = None
) -> np.ndarray:
    """Wait-and-see cost of each of the first ``count`` futures [USD].

    The two-stage program with that future alone (the planner knowing the future, same rules
    and recourse), solved as an extensive form with the expected-cost measure.

    Parameters
    ----------
    problem : TwoStageProblem
        The planning problem and its futures.
    section : RobustOptimize
        Gap and time limit of each solve.
    count : int, optional
        Number of futures (``None`` = all).

    Returns
    -------
    ndarray, shape (count,)
        Perfect-information cost of each future [USD].
    """
    futures = problem.futures[: count if count is not None else problem.n_futures]
    out = []
    from computegeo.robust.program import RiskMeasure

    for f in futures:
        one = dataclasses.replace(problem, futures=(f,), measure=RiskMeasure(), perfect_usd=None)
        out.append(solve_two_stage(one, section, method=Method.EXTENSIVE).objective_usd)
    return np.array(out)
