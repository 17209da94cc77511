"""The OR-Library capacitated facility location mode (exactness check)."""
