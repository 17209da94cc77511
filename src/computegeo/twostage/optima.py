"""Published optimal values of SIPLIB's SSLP instances (the one copy of these figures).

The exactness tests and ``benchmarks/sslp.py`` both read it.

Source
------
SIPLIB, the Stochastic Integer Programming Test Problem Library (S. Ahmed), "SSLP" page, Table 2;
instances by L. Ntaimo and S. Sen ("The million-variable 'march' for stochastic combinatorial
optimization", J. Global Optimization 32 (2005) 385-400). The SMPS files are copied unchanged
from Argonne-National-Laboratory/DSP @ 8ceedb43 ``examples/smps/``; see
``../shared/data/siplib/PROVENANCE.md``.
"""

from __future__ import annotations

SSLP_OPTIMA: dict[str, float] = {
    "sslp_5_25_50": -121.60,
    "sslp_5_25_100": -127.37,
    "sslp_15_45_5": -262.40,
    "sslp_15_45_10": -260.50,
    "sslp_15_45_15": -253.60,
    "sslp_10_50_50": -364.64,
    "sslp_10_50_100": -354.19,
    "sslp_10_50_500": -349.14,
    "sslp_10_50_1000": -351.71,
    "sslp_10_50_2000": -347.26,
}
"""Optimum (minimum expected cost) per instance, as published to two decimals."""

OPTIMUM_ATOL = 0.01
"""A reproduced optimum must agree with the published one to this (they are rounded to 0.01)."""
