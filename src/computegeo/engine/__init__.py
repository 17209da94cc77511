"""One two-stage engine: persistent subproblem workers on the backends, cuts, the cut master.

``workers``: :class:`~computegeo.engine.workers.WorkerPool` runs subproblem workers built once
(in this process, a spawned process pool, or Ray actors). ``cuts``: the optimality-cut rows,
the HiGHS master that gains them with warm re-solves, and the bound/incumbent/gap bookkeeping.
``highs``: loading sparse data into HiGHS. ``computegeo.twostage`` (SMPS, ``computegeo sslp``)
runs on it; ``computegeo.robust`` can (docs/twostage.md).
"""
