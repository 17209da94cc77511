"""Risk of a plan: sampled futures, recourse LPs, VaR/CVaR, criticality, regret, stress tests."""
