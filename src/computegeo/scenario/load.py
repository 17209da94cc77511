"""The scenario file: a validated, frozen description of one planning question.

A scenario says *what* to plan (horizon, workloads, demand), *with what* (supply forms and their
defaults, existing footprint, per-market overrides of the dataset) and *under which rules*
(allowed markets, diversification, N-1 resilience, equipment supply, budget, carbon). Everything
not stated comes from the bundled dataset (:mod:`computegeo.dataset.catalog`).

Validation happens once, here, at the boundary: :func:`load_scenario` reads a YAML file, checks
it against the pydantic models below (``extra="forbid"``, frozen) and, when given the dataset's
identifiers, checks every market, region, country, data class and hardware name it mentions. All
problems are collected into one :class:`~computegeo.core.errors.ConfigError` whose bullets name the
file, the line, the field path (``workloads[1].latency_limit_ms``) and the fix, with a
"Did you mean" hint for misspelt keys and identifiers.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ValidationError

from computegeo.core.errors import ConfigError, suggest
from computegeo.core.input_errors import clean_loc as _clean_loc
from computegeo.core.input_errors import format_path as _format_path
from computegeo.core.input_errors import friendly_message as _enum_hint
from computegeo.core.input_errors import is_union_noise as _is_union_noise
from computegeo.core.input_errors import line_index as _line_index
from computegeo.core.input_errors import nearest_line as _nearest_line
from computegeo.core.yamlio import YamlProblem, load_yaml
from computegeo.dataset.bundle import KnownIds
from computegeo.scenario.fields import ISO2_PATTERN, SLUG_PATTERN
from computegeo.scenario.schema import CROSS_SEP, Scenario
from computegeo.scenario.sections import MarketOverride

# ------------------------------------------------------------------------------ reference checks


def reference_problems(scenario: Scenario, known: KnownIds) -> list[str]:
    """Name every market, region, country, data class or hardware id the dataset does not know.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    known : KnownIds
        The ids the dataset knows (markets, regions, countries, data classes, hardware).

    Returns
    -------
    list of str
        One line per problem, each naming the field path and the fix.
    """
    out: list[str] = []

    def check(path: str, value: str, pool: frozenset[str], what: str) -> None:
        if value not in pool:
            out.append(f"{path}: unknown {what} {value!r}.{suggest(value, pool)}")

    for k, w in enumerate(scenario.workloads):
        check(f"workloads[{k}].data_class", w.data_class, known.data_classes, "data class")
    if scenario.demand.hardware is not None:
        check("demand.hardware", scenario.demand.hardware, known.hardware, "hardware generation")
    if scenario.supply.cloud.enabled and scenario.supply.cloud.price_usd_per_mw_year is None:
        check(
            "supply.cloud.hardware",
            scenario.supply.cloud.hardware,
            known.hardware,
            "hardware generation",
        )
    for k, g in enumerate(scenario.demand.generated):
        for j, c in enumerate(g.regions.countries or ()):
            check(f"demand.generated[{k}].regions.countries[{j}]", c, known.countries, "country")
        for j, c in enumerate(g.regions.exclude_countries):
            check(
                f"demand.generated[{k}].regions.exclude_countries[{j}]",
                c,
                known.countries,
                "country",
            )
    for k, d in enumerate(scenario.demand.direct):
        check(f"demand.direct[{k}].region", d.region, known.regions, "demand region")
    for m in scenario.market_overrides:
        check(f"market_overrides.{m}", m, known.markets, "market")
    for k, e in enumerate(scenario.existing):
        check(f"existing[{k}].market", e.market, known.markets, "market")
    mp = scenario.policies.markets
    for j, m in enumerate(mp.include or ()):
        check(f"policies.markets.include[{j}]", m, known.markets, "market")
    for j, m in enumerate(mp.exclude):
        check(f"policies.markets.exclude[{j}]", m, known.markets, "market")
    for j, m in enumerate(mp.always_allow):
        check(f"policies.markets.always_allow[{j}]", m, known.markets, "market")
    for j, c in enumerate(mp.exclude_countries):
        check(f"policies.markets.exclude_countries[{j}]", c, known.countries, "country")
    return out


# ------------------------------------------------------------------------------------ YAML loading


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The scenario model class whose fields live at ``loc`` (for "Did you mean" on keys)."""
    model: object = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        if model is Scenario and part == "market_overrides":
            model = MarketOverride
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            if model is MarketOverride:  # market id key of market_overrides
                continue
            return None
        model = _inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: object) -> object:
    """Find a BaseModel class inside an annotation such as ``tuple[Workload, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return None


def _error_line(err: Mapping[str, object]) -> tuple[tuple[str | int, ...], str]:
    loc = _clean_loc(tuple(err.get("loc", ())))  # type: ignore[arg-type]
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", ""))
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        parent = loc[:-1]
        model = _model_at(parent)
        allowed = sorted(model.model_fields) if model is not None else []
        hint = suggest(key, allowed)
        where = _format_path(parent)
        text = f"unknown key {key!r} under {where}.{hint}"
        if not hint and allowed:
            text += f" Allowed keys: {', '.join(allowed)}."
        return loc, text
    if kind == "missing":
        return (
            loc,
            "required key is missing; add it (see `computegeo init` for a documented template)",
        )
    if kind == "string_pattern_mismatch":
        ctx = err.get("ctx")
        pattern = ctx.get("pattern") if isinstance(ctx, Mapping) else None
        shape = _PATTERN_HINTS.get(str(pattern))
        value = err.get("input")
        if shape is not None and isinstance(value, str):
            fixed = re.sub(r"[^a-z0-9_]+", "_", value.lower()).strip("_")
            if pattern == ISO2_PATTERN:
                fixed = value.upper()
            example = f"; did you mean {fixed!r}?" if re.match(str(pattern), fixed) else ""
            return loc, f"{value!r} {shape}{example}"
    if kind == "string_too_long" and loc:
        return loc, f"{_enum_hint(msg)}; ids are at most 64 characters"
    return loc, _enum_hint(msg)


_PATTERN_HINTS = {
    SLUG_PATTERN: "is not an id: use lower-case letters, digits and '_' (e.g. 'interactive_chat')",
    ISO2_PATTERN: "is not a country code: use ISO 3166-1 alpha-2 in capitals (e.g. 'DE')",
}
"""What a value failing each scenario text pattern must look like instead (no regex shown)."""


def _pydantic_problems(
    exc: ValidationError, lines: Mapping[tuple[str | int, ...], int]
) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    errors = exc.errors()
    locs = [_clean_loc(tuple(e["loc"])) for e in errors]
    for err, raw_loc in zip(errors, locs, strict=True):
        if err["type"] == "too_short" and any(
            len(other) > len(raw_loc) and other[: len(raw_loc)] == raw_loc for other in locs
        ):
            continue  # a list item failed; pydantic also calls the list too short: say it once
        if _is_union_noise(err, raw_loc, locs, errors):
            continue
        loc, text = _error_line(err)
        if not loc:
            for part in text.split(CROSS_SEP):
                rendered = _add_line(part, lines) if ": " in part else part
                if rendered not in seen:
                    seen.add(rendered)
                    out.append(rendered)
            continue
        line = _nearest_line(loc, lines)
        where = _format_path(loc)
        rendered = f"{where}{f' (line {line})' if line else ''}: {text}"
        if rendered not in seen:
            seen.add(rendered)
            out.append(rendered)
    return out


def parse_scenario(
    data: object,
    *,
    source: str = "<scenario>",
    text: str | None = None,
    known: KnownIds | None = None,
) -> Scenario:
    """Validate an already-parsed YAML/JSON document and return the :class:`Scenario`.

    Parameters
    ----------
    data : object
        The parsed document (a mapping at the top level).
    source : str
        Name of the file for messages.
    text : str, optional
        The file's text, to add line numbers to messages.
    known : KnownIds, optional
        The dataset's identifiers; when given, references to unknown markets, regions, countries,
        data classes and hardware are errors too.

    Returns
    -------
    Scenario

    Raises
    ------
    ConfigError
        Listing every problem found, each with its field path and the fix.
    """
    if not isinstance(data, Mapping):
        msg = f"{source} is not a valid scenario"
        raise ConfigError(
            msg,
            [
                "(top level): must be a mapping of keys (name:, horizon:, ...), got "
                f"{type(data).__name__}"
            ],
        )
    lines = _line_index(text) if text is not None else {}
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        problems = _pydantic_problems(exc, lines)
        problems += [p for p in _raw_workload_ref_problems(data, lines) if p not in problems]
        if known is not None:
            problems += _raw_reference_problems(data, known)
        msg = (
            f"{source} is not a valid scenario ({len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''})"
        )
        raise ConfigError(msg, problems) from None
    if known is not None:
        problems = reference_problems(scenario, known)
        if problems:
            problems = [_add_line(p, lines) for p in problems]
            msg = (
                f"{source} refers to things the dataset does not have ({len(problems)} "
                f"problem{'s' if len(problems) != 1 else ''})"
            )
            raise ConfigError(msg, problems)
    return scenario


def _add_line(problem: str, lines: Mapping[tuple[str | int, ...], int]) -> str:
    head, sep, rest = problem.partition(": ")
    loc: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", head):
        loc.append(int(part[1:-1]) if part.startswith("[") else part)
    line = _nearest_line(tuple(loc), lines)
    return f"{head} (line {line}){sep}{rest}" if line else problem


def _raw_workload_ref_problems(
    data: Mapping[object, object], lines: Mapping[tuple[str | int, ...], int]
) -> list[str]:
    """Workload-id references checked on the raw document.

    The model-level check only runs when every field is valid, and all problems should be
    reported at once.
    """
    workloads = data.get("workloads")
    if not isinstance(workloads, list):
        return []
    ids = [
        str(w["id"]) for w in workloads if isinstance(w, Mapping) and isinstance(w.get("id"), str)
    ]
    out: list[str] = []
    demand = data.get("demand")
    for key in ("generated", "direct"):
        entries = demand.get(key) if isinstance(demand, Mapping) else None
        if isinstance(entries, list):
            for k, e in enumerate(entries):
                w = e.get("workload") if isinstance(e, Mapping) else None
                if isinstance(w, str) and w not in ids:
                    out.append(
                        _add_line(
                            f"demand.{key}[{k}].workload: {w!r} is not a workload "
                            f"id.{suggest(w, ids)}",
                            lines,
                        )
                    )
    return out


def _raw_reference_problems(data: Mapping[object, object], known: KnownIds) -> list[str]:
    """Reference checks on a document that failed schema validation (best effort)."""
    out: list[str] = []

    def check(path: str, value: object, pool: frozenset[str], what: str) -> None:
        if isinstance(value, str) and value not in pool:
            out.append(f"{path}: unknown {what} {value!r}.{suggest(value, pool)}")

    overrides = data.get("market_overrides")
    if isinstance(overrides, Mapping):
        for m in overrides:
            check(f"market_overrides.{m}", m, known.markets, "market")
    existing = data.get("existing")
    if isinstance(existing, list):
        for k, e in enumerate(existing):
            if isinstance(e, Mapping):
                check(f"existing[{k}].market", e.get("market"), known.markets, "market")
    policies = data.get("policies")
    mp = policies.get("markets") if isinstance(policies, Mapping) else None
    if isinstance(mp, Mapping):
        for key in ("include", "exclude", "always_allow"):
            values = mp.get(key)
            if isinstance(values, list):
                for j, m in enumerate(values):
                    check(f"policies.markets.{key}[{j}]", m, known.markets, "market")
    demand = data.get("demand")
    direct = demand.get("direct") if isinstance(demand, Mapping) else None
    if isinstance(direct, list):
        for k, d in enumerate(direct):
            if isinstance(d, Mapping):
                check(f"demand.direct[{k}].region", d.get("region"), known.regions, "demand region")
    workloads = data.get("workloads")
    if isinstance(workloads, list):
        for k, w in enumerate(workloads):
            if isinstance(w, Mapping) and "data_class" in w:
                check(
                    f"workloads[{k}].data_class",
                    w.get("data_class"),
                    known.data_classes,
                    "data class",
                )
    return out


_BUNDLED_PACKAGE = "computegeo.scenario.examples"
_NOT_EXAMPLES = frozenset({"template"})


def bundled_scenario_names() -> tuple[str, ...]:
    """Names of the bundled example scenarios (``reference``, ``sovereign_eu``, ...).

    Returns
    -------
    tuple of str
        File stems of the bundled ``.yaml`` files, sorted, the template excluded.
    """
    root = importlib.resources.files(_BUNDLED_PACKAGE)
    stems = (p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))
    return tuple(sorted(n for n in stems if n not in _NOT_EXAMPLES))


def _resolve_bundled(path: Path) -> Path:
    """``path``, or the bundled example of that name when ``path`` is a bare name, not a file."""
    if path.exists() or path.suffix or len(path.parts) != 1:
        return path
    resource = importlib.resources.files(_BUNDLED_PACKAGE) / f"{path.name}.yaml"
    return Path(str(resource)) if resource.is_file() else path


def load_scenario(path: Path | str, known: KnownIds | None = None) -> Scenario:
    """Read and validate a scenario YAML file.

    Parameters
    ----------
    path : Path or str
        The YAML file, or the name of a bundled example (``"sovereign_eu"``) when no file of
        that name exists.
    known : KnownIds, optional
        The dataset's identifiers for reference checks (see :func:`parse_scenario`);
        :meth:`computegeo.dataset.bundle.Dataset.known_ids` builds it from a loaded dataset.

    Returns
    -------
    Scenario

    Raises
    ------
    ConfigError
        When the file is missing, unreadable, not YAML, or invalid; the message lists every
        problem with its field path, line and fix.
    """
    path = _resolve_bundled(Path(path))
    if path.is_dir():
        msg = f"scenario file {path} is a directory"
        raise ConfigError(msg, ["give the path of a .yaml file inside it"])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"scenario file {path} does not exist"
        hint = "check the path, or run `computegeo init FILE` to write a documented template"
        if path.suffix == "" and len(path.parts) == 1:
            names = bundled_scenario_names()
            hint += f"; bundled examples: {', '.join(names)}.{suggest(path.name, names)}"
        raise ConfigError(msg, [hint]) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read scenario file {path}: {exc}"
        raise ConfigError(msg) from None
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        where = f" at line {exc.line}, column {exc.column}" if exc.line is not None else ""
        msg = f"{path} is not valid YAML{where}"
        raise ConfigError(msg, [exc.problem]) from None
    if data is None:
        msg = f"{path} is empty"
        raise ConfigError(msg, ["run `computegeo init FILE` to write a documented template"])
    return parse_scenario(data, source=str(path), text=text, known=known)


def model_field_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every key path a scenario can have (lists as ``[]``, market overrides as ``<market>``).

    Used to check that the template and docs document every key.

    Parameters
    ----------
    model : type of pydantic.BaseModel, optional
        The model whose fields are listed (recursively into nested models).
    prefix : str, optional
        Prepended to every path (the parent's path and a dot when recursing).

    Returns
    -------
    list of str
        Dotted key paths, each parent before its children, in field order.
    """
    out: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        inner = _inner_model(field.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            origin = getattr(field.annotation, "__origin__", None)
            is_seq = "tuple" in str(field.annotation) and inner is not field.annotation
            is_map = origin is dict or str(field.annotation).startswith("dict[")
            sub = f"{path}.<market>." if is_map else (f"{path}[]." if is_seq else f"{path}.")
            out.extend(model_field_paths(inner, sub))
    return out
