"""``python -m computegeo`` runs the CLI."""

from __future__ import annotations

import sys

from computegeo.cli import main

sys.exit(main())
