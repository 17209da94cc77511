"""Reading a decoded JSON object into the frozen result dataclasses, collecting every problem.

The reader is driven by the dataclasses' own field annotations, so the result model is written
once (in :mod:`computegeo.results.plan`) and this module never names one of its types. It is
tolerant of keys it does not know (a newer 1.x writer may add some), fills fields that have a
default when their key is absent, and records one line per missing or mistyped field instead
of stopping at the first.

Supported annotations: ``str``, ``int``, ``float``, ``bool``, enums, nested dataclasses,
``tuple[X, ...]`` and ``dict[str, X]`` of these. JSON ``null`` reads as NaN for ``float``
fields (``Plan.to_json_dict`` writes NaN as ``null``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from computegeo.core.errors import suggest

_T = TypeVar("_T")

_KIND_WORDS: dict[object, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
}


class _Missing:
    """Marks a value that could not be read (its problem is already recorded)."""


MISSING_VALUE = _Missing()
"""The one :class:`_Missing` instance (compared by identity)."""


class Reader:
    """Reads dataclasses from JSON objects, appending a problem line per bad field.

    Parameters
    ----------
    problems : list of str, optional
        Where the problem lines go (a new list when omitted).
    """

    def __init__(self, problems: list[str] | None = None) -> None:
        self.problems: list[str] = [] if problems is None else problems

    def read(self, cls: type[_T], obj: object, where: str) -> _T | None:
        """Build ``cls`` from ``obj`` (a JSON object), or ``None`` when it has problems.

        Parameters
        ----------
        cls : type
            A dataclass type.
        obj : object
            The decoded JSON value.
        where : str
            The field path used in problem lines, e.g. ``"kpis"`` or ``"capacity[3]"``; empty
            for the top-level object.

        Returns
        -------
        object or None
            The ``cls`` instance, or ``None`` when a field had a problem (the problem lines
            are appended to :attr:`problems`).
        """
        value = self._dataclass(cls, obj, where)
        return None if isinstance(value, _Missing) else value  # type: ignore[return-value]

    def _dataclass(self, cls: type, obj: object, where: str) -> object:
        if not isinstance(obj, Mapping):
            self.problems.append(f"'{where}': expected an object, got {_shown(obj)}")
            return MISSING_VALUE
        kwargs: dict[str, object] = {}
        ok = True
        for name, tp, required in _fields(cls):
            if name not in obj:
                if required:
                    self.problems.append(f"'{_path(where, name)}': missing ({_expected(tp)})")
                    ok = False
                continue
            value = self._value(tp, obj[name], where, name)
            if value is MISSING_VALUE:
                ok = False
            else:
                kwargs[name] = value
        return cls(**kwargs) if ok else MISSING_VALUE

    def _value(self, tp: Any, value: object, parent: str, key: str | int) -> object:  # noqa: C901, PLR0911, PLR0912 - one branch per kind
        kind, arg = _kind(tp)
        if kind is _Kind.FLOAT:
            if type(value) is float:
                return value
            if value is None:
                return math.nan
            if isinstance(value, int | float) and not isinstance(value, bool):  # numpy too
                return float(value)
        elif kind is _Kind.STR:
            if type(value) is str:
                return value
            # period labels such as 2027 are strings in the schema; older writers left numbers
            if type(value) is int:
                return str(value)
        elif kind is _Kind.INT:
            if isinstance(value, int) and not isinstance(value, bool):
                return int(value)
        elif kind is _Kind.BOOL:
            if type(value) is bool:
                return value
        elif kind is _Kind.ENUM:
            return self._enum(arg, value, _path(parent, key))
        elif kind is _Kind.DATACLASS:
            return self._dataclass(arg, value, _path(parent, key))
        elif kind is _Kind.TUPLE:
            return self._sequence(arg, value, _path(parent, key))
        else:
            return self._mapping(arg, value, _path(parent, key))
        self.problems.append(
            f"'{_path(parent, key)}': expected {_KIND_WORDS[tp]}, got {_shown(value)}"
        )
        return MISSING_VALUE

    def _sequence(self, item: Any, value: object, where: str) -> object:
        if not isinstance(value, list):
            self.problems.append(f"'{where}': expected a list, got {_shown(value)}")
            return MISSING_VALUE
        items = [self._value(item, v, where, i) for i, v in enumerate(value)]
        if any(v is MISSING_VALUE for v in items):
            return MISSING_VALUE
        return tuple(items)

    def _mapping(self, item: Any, value: object, where: str) -> object:
        if not isinstance(value, Mapping):
            self.problems.append(f"'{where}': expected an object, got {_shown(value)}")
            return MISSING_VALUE
        out = {str(k): self._value(item, v, where, str(k)) for k, v in value.items()}
        if any(v is MISSING_VALUE for v in out.values()):
            return MISSING_VALUE
        return out

    def _enum(self, tp: type[enum.Enum], value: object, where: str) -> object:
        try:
            return tp(value)
        except ValueError:
            choices = [str(m.value) for m in tp]
            hint = suggest(str(value), choices) if isinstance(value, str) else ""
            self.problems.append(
                f"'{where}': {_shown(value)} is not one of {', '.join(choices)}.{hint}"
            )
            return MISSING_VALUE


class _Kind(enum.Enum):
    FLOAT = "float"
    STR = "str"
    INT = "int"
    BOOL = "bool"
    ENUM = "enum"
    DATACLASS = "dataclass"
    TUPLE = "tuple"
    DICT = "dict"


_SCALARS = {float: _Kind.FLOAT, str: _Kind.STR, int: _Kind.INT, bool: _Kind.BOOL}


@functools.cache
def _kind(tp: Any) -> tuple[_Kind, Any]:
    """How to read a field of annotation ``tp`` (computed once per annotation)."""
    origin = typing.get_origin(tp)
    if origin is tuple:
        return _Kind.TUPLE, typing.get_args(tp)[0]
    if origin is dict:
        return _Kind.DICT, typing.get_args(tp)[1]
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _Kind.DATACLASS, tp
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _Kind.ENUM, tp
    if tp in _SCALARS:
        return _SCALARS[tp], None
    msg = f"unsupported field type {tp!r}"  # a coding error in the result model
    raise TypeError(msg)


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, annotation, required) of each field of the dataclass ``cls``."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


def _path(parent: str, key: str | int) -> str:
    """The path of ``key`` under ``parent``: ``a.b``, ``a[3]`` or ``b`` at the top."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _expected(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is tuple:
        return "a list is required"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "an object is required"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in tp) + " is required"
    return f"{_KIND_WORDS.get(tp, 'a value')} is required"


def _shown(value: object) -> str:
    """A short rendering of a bad value for a problem line."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    text = repr(value) if not isinstance(value, bool) else str(value).lower()
    return text if len(text) <= 40 else text[:37] + "..."
