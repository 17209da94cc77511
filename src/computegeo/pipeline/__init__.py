"""Thin runners that join the layers: plan runs and risk runs."""
