"""Robust planning: choose the commitments that do best across sampled futures.

A two-stage stochastic program by sample average approximation (``docs/robust.md``; the
formulation is in ``docs/formulation.md``): the first stage is the planning MILP's commitments
(campuses, builds, leases, cloud), the second stage the risk recourse LP of
:mod:`computegeo.risk.recourse` in each future. Solved as one extensive form
(:mod:`computegeo.robust.extensive`) or by an L-shaped decomposition with one cut per future
(:mod:`computegeo.robust.benders`); :mod:`computegeo.robust.assess` compares the robust and the
deterministic plan out of sample (VSS, EVPI, the price of safety, SAA bounds).
"""
