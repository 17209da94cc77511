"""Evaluate plans apart from the model: checker, KPIs, resilience, infeasibility explanation."""
