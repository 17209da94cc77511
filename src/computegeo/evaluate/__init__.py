"""Evaluate plans independently of the model: checker, KPIs, resilience, infeasibility "
"explanation."""
