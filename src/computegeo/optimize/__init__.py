"""Optimization: model building and solving with HiGHS."""
