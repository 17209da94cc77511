"""Two-stage stochastic programs over matrix data: SMPS input, extensive form, decomposition.

The external check of exactness is SIPLIB's SSLP set (``computegeo sslp BASE``): binary first
and second stage, solved to proven optimality by the extensive form (small instances) or the
integer L-shaped method (large ones); see docs/twostage.md.
"""
