"""The bundled dataset: markets, overrides, schema, residency, version."""
