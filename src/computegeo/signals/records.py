"""Posting records and the role-class vocabulary shared by every signals module."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RoleClass(StrEnum):
    """Data-center role classes (``none`` for every other posting); rules in docs/signals.md."""

    ELECTRICAL = "electrical"
    MECHANICAL = "mechanical"
    ENERGY = "energy"
    DEAL_SOURCING = "deal_sourcing"
    DESIGN_CONSTRUCTION = "design_construction"
    OPERATIONS = "operations"
    SUPPLY_CHAIN = "supply_chain"
    NONE = "none"


DATA_CENTER_CLASSES: tuple[RoleClass, ...] = tuple(c for c in RoleClass if c is not RoleClass.NONE)
"""Every class that counts as a data-center role."""


class Stage(StrEnum):
    """Stage of a company in a market, read from its data-center role mix."""

    SCOUTING = "scouting"
    BUILDING = "building"
    OPERATING = "operating"


STAGE_OF_CLASS: dict[RoleClass, Stage] = {
    RoleClass.DEAL_SOURCING: Stage.SCOUTING,
    RoleClass.ENERGY: Stage.SCOUTING,
    RoleClass.DESIGN_CONSTRUCTION: Stage.BUILDING,
    RoleClass.ELECTRICAL: Stage.BUILDING,
    RoleClass.MECHANICAL: Stage.BUILDING,
    RoleClass.SUPPLY_CHAIN: Stage.BUILDING,
    RoleClass.OPERATIONS: Stage.OPERATING,
}
"""Which stage each data-center class points to (supply chain ships equipment to builds)."""


@dataclass(frozen=True)
class Posting:
    """One job posting as seen in one snapshot of a company's board.

    Attributes
    ----------
    company
        Company slug, lower case (``anthropic``).
    posting_id
        The board's id of the posting, as text.
    title, location, department
        As published; empty strings when the board gives none.
    url
        Public URL of the posting (may be empty).
    updated_at
        The board's own date text for the posting (ISO 8601 or free text such as Workday's
        "Posted 3 Days Ago"); kept as given.
    body
        Posting text with HTML removed, or empty. Only used to classify; never shipped.
    """

    company: str
    posting_id: str
    title: str
    location: str
    department: str
    url: str = ""
    updated_at: str = ""
    body: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Every posting of one company's board at one fetch time.

    Attributes
    ----------
    company
        Company slug, lower case.
    fetched_at
        UTC fetch time, ISO 8601 (``2026-04-29T17:10:38Z``).
    ats
        Applicant-tracking system the postings came from (``greenhouse``, ``lever``, ``ashby``,
        ``workday``, ...), or ``normalised`` when unknown.
    source
        Where the snapshot was read from (file name or URL), for messages and provenance.
    postings
        The postings, in board order, with unique ``posting_id``.
    """

    company: str
    fetched_at: str
    ats: str
    source: str
    postings: tuple[Posting, ...]
