"""Data tables shipped with computegeo (CSV/YAML); loaded by computegeo.catalog and computegeo.residency."""
