r"""Strict YAML reading for user files: a key written twice is an error, not "the last one wins".

PyYAML's safe loader silently keeps the last of two equal keys in a mapping, so a scenario that
states ``start_total`` twice plans with whichever comes last. :func:`load_yaml` reads with the
safe loader plus a duplicate-key check and turns every YAML problem into one
:class:`YamlProblem` carrying the line (and, for a repeated key, the line of its first
occurrence), which callers re-raise as their own typed error.

Examples
--------
>>> load_yaml("a: 1\nb: [2, 3]\nc: 1e6\n")
{'a': 1, 'b': [2, 3], 'c': 1000000.0}
>>> try:
...     load_yaml("a: 1\nb: 2\na: 3\n")
... except YamlProblem as exc:
...     print(exc.line, exc.problem)
3 key 'a' is written twice (lines 1 and 3); keep one of them
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class YamlProblem(Exception):
    """A YAML document that cannot be read: where and what.

    Parameters
    ----------
    line, column : int or None
        1-based position of the problem (``None`` when PyYAML gives none).
    problem : str
        What is wrong and how to fix it.
    """

    line: int | None
    column: int | None
    problem: str

    def __str__(self) -> str:
        """The problem with its position."""
        where = f"line {self.line}: " if self.line is not None else ""
        return where + self.problem


# YAML 1.1 (PyYAML) reads ``1e6`` as text because it wants a dot (``1.0e6``); YAML 1.2 and every
# user read it as a number, and a strict number check would otherwise reject it as text.
_EXPONENT_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that refuses a mapping with the same key twice and reads ``1e6`` as a float."""

    yaml_implicit_resolvers = {
        key: list(value) for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue  # "<<: *anchor" merges; keys written here override it on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key (a list); the base class reports it
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise YamlProblem(
                    line,
                    key_node.start_mark.column + 1,
                    f"key {key!r} is written twice (lines {first} and {line}); keep one of them",
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+0123456789")
)


def load_yaml(text: str) -> object:
    """Parse one YAML document with the safe loader, refusing repeated keys.

    Parameters
    ----------
    text : str
        The document.

    Returns
    -------
    object
        The parsed document (``None`` for an empty one).

    Raises
    ------
    YamlProblem
        On a syntax error or a key written twice in one mapping, with its line.
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(
            mark.line + 1 if mark is not None else None,
            mark.column + 1 if mark is not None else None,
            f"{problem}; check indentation and that every key ends with ':'",
        ) from None
    except RecursionError:  # deeply nested flow collections
        raise YamlProblem(None, None, "the document is nested too deeply to read") from None
