"""Country groups for the dataset scripts, read from the one membership table.

``src/computegeo/data/country_groups.csv`` (hand-kept, with the legal instrument and year of each
membership) is the only place a country list such as the EU, the EEA, the OECD or NATO is kept;
the residency rules read the same table at run time. A ``member`` of ``group:<id>`` stands for
every member of another group.
"""

from __future__ import annotations

import csv
from pathlib import Path

GROUPS_CSV = (
    Path(__file__).resolve().parent.parent / "src" / "computegeo" / "data" / "country_groups.csv"
)
GROUP_PREFIX = "group:"


def read_groups(path: Path = GROUPS_CSV) -> dict[str, frozenset[str]]:
    """Every group of the membership table, nested ``group:`` members expanded to ISO2 codes."""
    direct: dict[str, list[str]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            direct.setdefault(row["group"], []).append(row["member"])

    def expand(group: str, stack: tuple[str, ...]) -> frozenset[str]:
        out: set[str] = set()
        for m in direct[group]:
            if m.startswith(GROUP_PREFIX):
                ref = m.removeprefix(GROUP_PREFIX)
                if ref not in direct or ref in stack:
                    raise SystemExit(f"{path.name}: group {group!r} has a bad member {m!r}")
                out |= expand(ref, (*stack, ref))
            else:
                out.add(m)
        return frozenset(out)

    return {g: expand(g, (g,)) for g in direct}


GROUPS = read_groups()
EU_MEMBERS = GROUPS["eu"]
"""The 27 EU member states (ISO alpha-2)."""
EEA_MEMBERS = GROUPS["eea"]
OECD_MEMBERS = GROUPS["oecd"]
NATO_MEMBERS = GROUPS["nato"]
FIVE_EYES_MEMBERS = GROUPS["five_eyes"]
