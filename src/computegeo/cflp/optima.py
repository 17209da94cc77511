"""Published optimal values of the OR-Library and UflLib facility-location instances.

The one copy of these figures: the exactness tests and ``benchmarks/orlib.py`` both read it.

Sources
-------
* ``SMALL_OPTIMA`` and ``LARGE_OPTIMA``: OR-Library ``capopt`` (J.E. Beasley, OR-Library,
  capacitated warehouse location), as transcribed with lb = ub in
  ``rafaelmartinelli/FacilityLocationProblems.jl`` @ a79114494aa35ab03bda70b541803fa7b572b680
  ``data/bounds.txt``; the same values appear in other public test suites.
* ``UFLP_OPTIMA``: UflLib (uncapacitated) optima as asserted in
  ``SupplyChef/SupplyChainOptimization.jl`` @ 5b70a5da ``test/UFLlib.jl``.

See ``../shared/data/orlib/PROVENANCE.md`` for the instance files themselves.
"""

from __future__ import annotations

SMALL_OPTIMA: dict[str, float] = {
    "cap41": 1040444.375, "cap42": 1098000.450, "cap43": 1153000.450, "cap44": 1235500.450,
    "cap51": 1025208.225, "cap61": 932615.750, "cap62": 977799.400, "cap63": 1014062.050,
    "cap64": 1045650.250, "cap71": 932615.750, "cap72": 977799.400, "cap73": 1010641.450,
    "cap74": 1034976.975, "cap81": 838499.288, "cap82": 910889.563, "cap83": 975889.563,
    "cap84": 1069369.525, "cap91": 796648.438, "cap92": 855733.500, "cap93": 896617.538,
    "cap94": 946051.325, "cap101": 796648.437, "cap102": 854704.200, "cap103": 893782.112,
    "cap104": 928941.750, "cap111": 826124.713, "cap112": 901377.213, "cap113": 970567.750,
    "cap114": 1063356.488, "cap121": 793439.563, "cap122": 852524.625, "cap123": 895302.325,
    "cap124": 946051.325, "cap131": 793439.562, "cap132": 851495.325, "cap133": 893076.712,
    "cap134": 928941.750,
}  # fmt: skip
"""OR-Library ``capopt`` optima of sets IV-XIII (16/25/50 facilities x 50 customers) [cost]."""

LARGE_OPTIMA: dict[tuple[str, int], float] = {
    ("capa", 8000): 19240822.449, ("capa", 10000): 18438046.543,
    ("capa", 12000): 17765201.949, ("capa", 14000): 17160439.012,
    ("capb", 5000): 13656379.578, ("capb", 6000): 13361927.449,
    ("capb", 7000): 13198556.434, ("capb", 8000): 13082516.496,
    ("capc", 5000): 11646596.974, ("capc", 5750): 11570340.289,
    ("capc", 6500): 11518743.744, ("capc", 7250): 11505767.394,
}  # fmt: skip
"""OR-Library ``capopt`` optima of sets A, B, C (100 x 1000), keyed by (set, capacity) [cost]."""

UFLP_OPTIMA: dict[str, tuple[str, float]] = {
    "MO1": ("uflp_M/MO1", 1305.95141),
    "MP1": ("uflp_M/MP1", 2686.47946),
    "B1.1": ("uflp_BildeKrarup/B1.1", 23468.0),
}
"""UflLib optima: name -> (file under ``../shared/data/orlib/``, optimum [cost])."""

OPTIMUM_RTOL = 1e-6
"""Contract: an objective within this relative distance of the published optimum [-]."""
