"""Data tables shipped with computegeo (CSV/YAML), loaded by catalog and residency."""
