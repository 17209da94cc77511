"""One two-stage engine: persistent subproblem workers on the backends, cuts, the cut master.

``workers``: :class:`~computegeo.engine.workers.WorkerPool` runs subproblem workers built once
(in this process, a spawned process pool, or Ray actors). ``cuts``: the optimality-cut rows;
``master``: the HiGHS master that gains them with warm re-solves; ``gap``: the
bound/incumbent/gap bookkeeping.
``highs``: loading sparse data into HiGHS. ``computegeo.twostage`` (SMPS, ``computegeo sslp``)
and ``computegeo.robust``'s Benders run on it (docs/twostage.md).
"""
