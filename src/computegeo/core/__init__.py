"""Shared low-level helpers: errors, units, atomic files, YAML reading."""
