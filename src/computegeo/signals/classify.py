"""Classify a job posting into a data-center role class, or ``none``, by documented rules.

The rules read the title, the department and the company (the contract CSV of
``computegeo signals classify`` has no posting text, so neither do the rules). They run in
this order; the first that decides wins:

1. **Not a data-center role, whatever the context** (title): software, SRE, ML and research,
   chip and firmware design, validation and test, manufacturing, product engineering and
   management, sales and customer-facing roles (account, solutions architect, customer,
   marketing, campaigns, go-to-market), legal counsel, finance and accounting, recruiting and
   people, tutors and "experts", kitchen and hospitality staff, supplier quality, debug and
   performance engineering; or a department of software engineering, sales, legal, marketing
   or people.
2. **Data-center scope.** A posting is in scope when its title names data centers
   (``data center``/``datacentre``/``DCIM``/``colocation``/``Stargate``/``DC networking``...),
   its department is a data-center department (``Data Center``, ``Compute``,
   ``Critical Facilities``), or its title is a phrase that only data-center programmes use
   (``critical facilities``, ``industrial builds``, ``infrastructure deployment``,
   ``strategic deals ... compute``, ``energy procurement``, ``power generation``,
   ``grid interconnection``, ``supply chain ... AI infrastructure``; not ``PPA`` alone, which
   in chip design means power, performance and area). Out of scope is ``none``:
   fab facilities at chip makers, office facilities and real estate, general procurement.
3. **Class by keyword, in this order**: construction (``construction``, ``superintendent``)
   → ``design_construction``; transactions, deal sourcing, site and land acquisition, leases,
   community engagement → ``deal_sourcing``; energy, power procurement and generation, grid,
   utilities → ``energy``; supply chain, sourcing, procurement, logistics, inventory, receiving,
   material flow → ``supply_chain``; electrical, controls, high/medium voltage → ``electrical``;
   mechanical, cooling, thermal, HVAC → ``mechanical``; design, delivery, commissioning,
   portfolio and capacity planning, efficiency, structural, civil, environmental, whitespace,
   site deployment, project management → ``design_construction``; operations, technicians,
   facilities, security, deployment, network, fiber, DCIM, incidents, maintenance, safety,
   quality → ``operations``.
4. **Otherwise**, a posting in scope is ``operations`` — except at chip and system vendors
   (``PRODUCT_VENDORS``), whose "data center" titles are usually their product line: there an
   explicit class keyword is required, else ``none``.

Measured precision and recall are in docs/signals.md.

Examples
--------
>>> classify("Transaction Principal", "Compute", "anthropic")
<RoleClass.DEAL_SOURCING: 'deal_sourcing'>
>>> classify("Data Center Electrical Engineer", "Compute", "anthropic").value
'electrical'
>>> classify("Software Engineer, Compute Capacity", "Compute", "anthropic").value
'none'
>>> classify("Facilities Mechanical Area Manager", "", "intel").value
'none'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from computegeo.signals.records import RoleClass

PRODUCT_VENDORS: frozenset[str] = frozenset(
    {"nvidia", "intel", "micron", "appliedmaterials", "nxp", "cadence", "amd", "broadcom"}
)
"""Companies whose "data center" titles usually mean a product line, not a facility."""

DATA_CENTER_DEPARTMENTS: frozenset[str] = frozenset(
    {
        "data center",
        "data centers",
        "datacenter",
        "datacenters",
        "data centre",
        "compute",
        "critical facilities",
        "data center operations",
        "data center engineering",
    }
)
"""Departments (folded) whose postings are in data-center scope."""

_NOT_DC_TITLE = re.compile(
    r"software|developer|\bswe\b|\bsre\b|site reliability|backend|back end|front ?end|full ?stack"
    r"|machine learning|\bml\b|\bai engineer|research|scientist|firmware|\basic\b|\brtl\b|silicon"
    r"|verification|validation|compiler|kernel|devops|agentic"
    r"|sales|\baccount\b|solutions? (architect|engineer|consultant|specialist)|customer"
    r"|marketing|campaign|partner (manager|account|success)|business development|go.to.market"
    r"|\bgtm\b|counsel|legal|paralegal|attorney|financ|accountant|accounting|fp&a|\btax\b"
    r"|treasury|controller|audit|recruit|sourcer\b|talent|\bhr\b|people|payroll|tutor|expert"
    r"|food|\bcook\b|chef|porter|hospitality|barista|janitor|custodian"
    r"|product (manager|engineer|designer|development|marketing|line)|\bnpi\b|performance"
    r"|debug|test (development|engineer)|manufacturing|supplier"
)
_NOT_DC_DEPARTMENT = re.compile(r"software engineering|sales|legal|marketing|people|recruit")
_DC_TITLE = re.compile(
    r"data ?cent(er|re)s?|\bdcim\b|stargate|colocation|\bcolo\b"
    r"|\bdc (networking|network|infrastructure|operations|ops|power|facilit|construction|design)"
)
_DC_PHRASE = re.compile(
    r"critical facilit|mission critical|industrial builds|(infrastructure|cluster) deployment"
    r"|(field|datacenter|data center) hardware engineer|strategic deals.*(compute|infrastructure)"
    r"|energy (procurement|and infrastructure|development|markets)|power (procurement|purchase)"
    r"|power generation|grid interconnection|supply chain.*(ai|compute) infrastructure"
)
_RULES: tuple[tuple[RoleClass, re.Pattern[str]], ...] = (
    (RoleClass.DESIGN_CONSTRUCTION, re.compile(r"construction|superintendent|foreman|builds\b")),
    (
        RoleClass.DEAL_SOURCING,
        re.compile(
            r"transaction (principal|manager|director|lead|associate)|deal sourcing"
            r"|strategic deals|site (selection|acquisition|sourcing)|land (acquisition|development)"
            r"|\blease|leasing|real estate|community engagement|capacity (acquisition|sourcing)"
        ),
    ),
    (
        RoleClass.ENERGY,
        re.compile(
            r"energy|power (procurement|purchase|markets|generation|strategy|supply)|\bppa\b"
            r"|\bgrid\b|interconnection|utilit(y|ies)|substation"
        ),
    ),
    (
        RoleClass.SUPPLY_CHAIN,
        re.compile(
            r"supply chain|sourcing|procurement|logistics|inventory|receiving|material flow"
            r"|warehouse"
        ),
    ),
    (
        RoleClass.ELECTRICAL,
        re.compile(r"electrical|controls|power systems|high voltage|medium voltage|switchgear"),
    ),
    (RoleClass.MECHANICAL, re.compile(r"mechanical|cooling|thermal|hvac|chiller")),
    (
        RoleClass.DESIGN_CONSTRUCTION,
        re.compile(
            r"design|delivery|commissioning|portfolio|planning|capacity|efficiency|structural"
            r"|civil|environmental engineer|whitespace|site deployment|project manag|\bmep\b"
        ),
    ),
    (
        RoleClass.OPERATIONS,
        re.compile(
            r"operations|technician|facilit|security|deploy|network|fiber|fibre|dcim|incident"
            r"|maintenance|o&m|safety|\behs\b|quality"
        ),
    ),
)


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", plain.lower().replace("–", "-")).strip()


@lru_cache(maxsize=65536)
def _classify_folded(title: str, department: str, company: str) -> RoleClass:
    if _NOT_DC_TITLE.search(title) or _NOT_DC_DEPARTMENT.search(department):
        return RoleClass.NONE
    in_scope = (
        bool(_DC_TITLE.search(title))
        or department in DATA_CENTER_DEPARTMENTS
        or bool(_DC_PHRASE.search(title))
    )
    if not in_scope:
        return RoleClass.NONE
    for role, pattern in _RULES:
        if pattern.search(title):
            return role
    return RoleClass.NONE if company in PRODUCT_VENDORS else RoleClass.OPERATIONS


def classify(title: str, department: str = "", company: str = "") -> RoleClass:
    """The role class of one posting (rules in the module docstring).

    Parameters
    ----------
    title
        Posting title as published.
    department
        Department or team as published (empty when the board gives none).
    company
        Company slug (``anthropic``); chip and system vendors get the stricter rule 4.

    Returns
    -------
    RoleClass
        One of the seven data-center classes, or ``RoleClass.NONE``.

    Examples
    --------
    >>> classify("Construction Manager (Electrical)", "Data Center", "xai").value
    'design_construction'
    >>> classify("Senior Solutions Architect, Data Center Buildouts", "", "nvidia").value
    'none'
    """
    return _classify_folded(_fold(title), _fold(department), _fold(company))
