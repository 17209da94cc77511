"""Shipped signals data: job-board snapshots and the gazetteer (read via importlib.resources)."""
