"""The result of a plan run (Plan, its rows and KPIs) and its files."""
