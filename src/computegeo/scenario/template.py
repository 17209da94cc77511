"""Bundled scenarios, the documented ``init`` template and the generated key reference.

The template (``computegeo/scenario/examples/template.yaml``) is a hand-commented YAML file listing
every
scenario key; a test checks it validates and mentions every key of :mod:`computegeo.scenario.load`.
:func:`scenario_reference_markdown` renders the key table of ``docs/scenario.md`` from the
pydantic models' field docstrings, so the docs cannot drift from the code.
"""

from __future__ import annotations

import enum
import importlib.resources
import types
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from computegeo.core.errors import ConfigError, suggest
from computegeo.core.plausible import Plausible
from computegeo.scenario.load import bundled_scenario_names
from computegeo.scenario.schema import Scenario

_PACKAGE = "computegeo.scenario.examples"
TEMPLATE_NAME = "template"
REFERENCE_NAME = "reference"


def bundled_path(name: str) -> Path:
    """Path of a bundled scenario file by name (e.g. ``reference``).

    Parameters
    ----------
    name : str
        A bundled scenario name (file stem, no ``.yaml``).

    Returns
    -------
    Path
        The packaged YAML file.

    Raises
    ------
    ConfigError
        If there is no bundled scenario of that name.
    """
    root = importlib.resources.files(_PACKAGE)
    resource = root / f"{name}.yaml"
    if not resource.is_file():
        names = bundled_scenario_names()
        msg = f"no bundled scenario named {name!r}.{suggest(name, names)}"
        raise ConfigError(msg, [f"bundled scenarios: {', '.join(names)}"])
    return Path(str(resource))


def template_text() -> str:
    """The documented scenario template written by ``computegeo init``.

    Returns
    -------
    str
        The template's YAML text.
    """
    return (importlib.resources.files(_PACKAGE) / f"{TEMPLATE_NAME}.yaml").read_text(
        encoding="utf-8"
    )


def _type_name(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        bounds = next((m for m in args[1:] if isinstance(m, Plausible)), None)
        name = _type_name(args[0])
        return name if bounds is None else f"{name} {_range_text(bounds)}"
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        text = " or ".join(parts)
        return f"{text} or null" if type(None) in args else text
    if origin is tuple:
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping {_type_name(args[0])} -> {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    return getattr(annotation, "__name__", str(annotation))


def _range_text(bounds: Plausible) -> str:
    """``in (0, 1e+06]``: the plausible range of a number as the docs show it."""
    low = "(" if bounds.exclusive_minimum else "["
    return f"in {low}{bounds.minimum:g}, {bounds.maximum:g}]"


def _default_text(field: object) -> str:
    default = getattr(field, "default", PydanticUndefined)
    factory = getattr(field, "default_factory", None)
    if default is PydanticUndefined and factory is not None:
        default = factory()
    if default is PydanticUndefined:
        return "**required**"
    if isinstance(default, list):
        default = tuple(default)
    if isinstance(default, BaseModel):
        return "(section)"
    if isinstance(default, enum.Enum):
        return f"`{default.value}`"
    if isinstance(default, tuple):
        inner = ", ".join(str(d.value if isinstance(d, enum.Enum) else d) for d in default)
        return f"`[{inner}]`"
    if default is None:
        return "`null`"
    if isinstance(default, dict):
        return "`{}`"
    return f"`{default}`"


def _inner(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner(arg)
        if found is not None:
            return found
    return None


def _rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        desc = " ".join((field.description or "").split()).replace("|", "\\|").replace("``", "`")
        type_text = _type_name(field.annotation)
        # pydantic moves the metadata of a plain Annotated field out of its annotation
        bounds = next((m for m in field.metadata if isinstance(m, Plausible)), None)
        if bounds is not None:
            type_text += f" {_range_text(bounds)}"
        rows.append(f"| `{path}` | {type_text} | {_default_text(field)} | {desc} |")
        inner = _inner(field.annotation)
        if inner is not None:
            text = str(field.annotation)
            if text.startswith("dict["):
                key = "<criterion>" if path == "screen.criteria" else "<market>"
                rows.extend(_rows(inner, f"{path}.{key}."))
            elif "tuple[" in text:
                rows.extend(_rows(inner, f"{path}[]."))
            else:
                rows.extend(_rows(inner, f"{path}."))
    return rows


def scenario_reference_markdown() -> str:
    """The table of every scenario key (path, type, default, meaning) as Markdown.

    Returns
    -------
    str
        A Markdown table, one row per key path, ending in a newline.
    """
    header = "| key | type | default | meaning |\n|---|---|---|---|"
    return header + "\n" + "\n".join(_rows(Scenario, "")) + "\n"
