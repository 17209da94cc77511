"""Scenarios: the models users write, their rules, loading, template, examples."""
