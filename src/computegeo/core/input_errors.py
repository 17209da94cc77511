"""Pydantic validation errors rendered for people: field path, line, one message per problem.

Shared by the scenario loader and the ``screen:`` section loader so both name a bad value the
same way: ``workloads[1].latency_limit_ms (line 7): -5 is below ...``. The helpers clean
pydantic's internal location tags, map locations to YAML lines, and drop the "other branch"
errors a union reports (a bad number in ``number | list`` also "must be a valid tuple").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml


def line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each key/item path in a YAML document to its 1-based line number.

    Parameters
    ----------
    text : str
        The YAML document.

    Returns
    -------
    dict
        Path of keys and list indices -> 1-based line; empty when the text does not parse.
    """
    index: dict[tuple[str | int, ...], int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return index

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                index[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
                index[(*path, key)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return index


def format_path(loc: tuple[str | int, ...]) -> str:
    """``("workloads", 1, "id")`` -> ``"workloads[1].id"``; the empty path is ``(top level)``.

    >>> format_path(("workloads", 1, "id")), format_path(())
    ('workloads[1].id', '(top level)')

    Parameters
    ----------
    loc : tuple of str or int
        Keys and list indices.

    Returns
    -------
    str
        The dotted path with ``[i]`` for list items.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


_UNION_TAGS = re.compile(
    r"^(function-after|function-before|function-wrap|json-or-python|lax-or-strict)\["
)


def clean_loc(
    loc: tuple[str | int, ...], model_tags: frozenset[str] = frozenset()
) -> tuple[str | int, ...]:
    """Drop pydantic's union/type tags (``float``, ``tuple[...]``) from an error location.

    ``model_tags`` are the class names pydantic uses as tags for models inside unions (e.g.
    ``WeightSpec`` in ``float | WeightSpec``).

    Parameters
    ----------
    loc : tuple of str or int
        Pydantic's ``loc`` of one error.
    model_tags : frozenset of str, optional
        Class names of models that appear inside unions.

    Returns
    -------
    tuple of str or int
        The location as the user wrote it (keys and list indices only).

    Examples
    --------
    >>> clean_loc(("criteria", "carbon", "function-before[check(), float]"))
    ('criteria', 'carbon')
    >>> clean_loc(("criteria", "carbon", "WeightSpec", "weight"), frozenset({"WeightSpec"}))
    ('criteria', 'carbon', 'weight')
    """
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            _UNION_TAGS.match(part)
            or part in model_tags
            or part in {"float", "int", "str", "bool", "none", "is-instance[Path]"}
            or part.startswith(("tuple[", "list[", "dict[", "constrained-", "literal["))
            or "[" in part
            and part.endswith("]")
            and not part.startswith(("[",))
        ):
            continue
        out.append(part)
    return tuple(out)


def friendly_message(message: str) -> str:
    """Pydantic's wording made the project's: "must be ..." rather than "Input should be ...".

    >>> friendly_message("Input should be a valid string")
    'must be a valid string'

    Parameters
    ----------
    message : str
        Pydantic's message.

    Returns
    -------
    str
        The message in the project's words.
    """
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message.replace("Input should be", "must be")


_CONTAINER_ERRORS = frozenset({"tuple_type", "list_type", "dict_type", "set_type", "model_type"})


def is_union_noise(
    err: Mapping[str, object],
    loc: tuple[str | int, ...],
    locs: list[tuple[str | int, ...]],
    errors: list[Any],
) -> bool:
    """Whether ``err`` is the other branch of a "number or list" union (e.g. ``annual_growth``).

    A union reports every branch: a bad number also fails "must be a valid tuple", a bad list
    also fails "is a list, not a number". Only the branch matching what was written is kept;
    when no branch matches (a mapping where a number or a list belongs), the number's message
    is kept, which says what to write.

    Parameters
    ----------
    err : mapping
        One pydantic error (``type``, ``input``, ...).
    loc : tuple of str or int
        Its cleaned location (:func:`clean_loc`).
    locs : list of tuple
        The cleaned locations of all errors, in the order of ``errors``.
    errors : list
        All errors of the validation.

    Returns
    -------
    bool
        ``True`` when ``err`` should be dropped from the report.
    """
    if not _branch_mismatch(err):
        return False
    group = [e for e, other in zip(errors, locs, strict=True) if other[: len(loc)] == loc]
    if len(group) < 2:
        return False
    if any(not _branch_mismatch(e) for e in group):
        return True
    keep = next((e for e in group if e.get("type") == "number_type"), group[0])
    return keep is not err


def _branch_mismatch(err: Mapping[str, object]) -> bool:
    """The input is of the wrong kind for this union branch (not wrong in value)."""
    kind = str(err.get("type", ""))
    if kind in _CONTAINER_ERRORS:
        return True
    return kind == "number_type" and isinstance(err.get("input"), list | tuple | dict)


def nearest_line(
    loc: tuple[str | int, ...], lines: Mapping[tuple[str | int, ...], int]
) -> int | None:
    """Line of ``loc`` or of its nearest parent present in ``lines`` (``None`` at the top).

    Parameters
    ----------
    loc : tuple of str or int
        A field location (keys and list indices).
    lines : mapping
        Location -> 1-based line of the YAML file where it is written.

    Returns
    -------
    int or None
        The 1-based line, or ``None`` when only the document itself contains ``loc``.
    """
    for cut in range(len(loc), -1, -1):
        line = lines.get(loc[:cut])
        if line is not None and cut > 0:
            return line
    return None
