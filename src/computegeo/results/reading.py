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


class Reader:
    """Reads dataclasses from JSON objects, appending a problem line per bad field.

    Parameters
    ----------
    problems : list of str, optional
        Where the problem lines go (a new list when omitted).
    """

    def __init__(self, problems: list[str] | None = None) -> None:
        self.problems: list[str] = [] if problems is None else problems
        self._hints: dict[type, dict[str, Any]] = {}

    def read(self, cls: type[_T], obj: object, where: str) -> _T | None:
        """Build ``cls`` from ``obj`` (a JSON object), or ``None`` when it has problems.

        Parameters
        ----------
        cls : type
            A dataclass type.
        obj : object
            The decoded JSON value.
        where : str
            The field path used in problem lines, e.g. ``"kpis"`` or ``"capacity[3]"``.
        """
        value = self._value(cls, obj, where)
        return None if isinstance(value, _Missing) else value  # type: ignore[return-value]

    def _fields(self, cls: type) -> dict[str, Any]:
        if cls not in self._hints:
            self._hints[cls] = typing.get_type_hints(cls)
        return self._hints[cls]

    def _dataclass(self, cls: type, obj: object, where: str) -> object:
        if not isinstance(obj, Mapping):
            self.problems.append(f"'{where}': expected an object, got {_shown(obj)}")
            return MISSING_VALUE
        hints = self._fields(cls)
        kwargs: dict[str, object] = {}
        ok = True
        for f in dataclasses.fields(cls):
            path = f"{where}.{f.name}" if where else f.name
            if f.name not in obj:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    self.problems.append(f"'{path}': missing ({_expected(hints[f.name])})")
                    ok = False
                continue
            value = self._value(hints[f.name], obj[f.name], path)
            if isinstance(value, _Missing):
                ok = False
            else:
                kwargs[f.name] = value
        return cls(**kwargs) if ok else MISSING_VALUE

    def _value(self, tp: Any, value: object, where: str) -> object:  # noqa: PLR0911 - one per kind
        origin = typing.get_origin(tp)
        if origin is tuple:
            return self._sequence(typing.get_args(tp)[0], value, where)
        if origin is dict:
            return self._mapping(typing.get_args(tp)[1], value, where)
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._dataclass(tp, value, where)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._enum(tp, value, where)
        if tp is float:
            if value is None:
                return math.nan
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
        elif tp is bool:
            if isinstance(value, bool):
                return value
        elif tp is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        elif tp is str:
            if isinstance(value, str):
                return value
            # period labels such as 2027 are strings in the schema; older writers left numbers
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
        else:  # pragma: no cover - a field type this reader does not support is a coding error
            msg = f"unsupported field type {tp!r} at {where}"
            raise TypeError(msg)
        self.problems.append(f"'{where}': expected {_KIND_WORDS[tp]}, got {_shown(value)}")
        return MISSING_VALUE

    def _sequence(self, item: Any, value: object, where: str) -> object:
        if not isinstance(value, list):
            self.problems.append(f"'{where}': expected a list, got {_shown(value)}")
            return MISSING_VALUE
        items = [self._value(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
        if any(isinstance(v, _Missing) for v in items):
            return MISSING_VALUE
        return tuple(items)

    def _mapping(self, item: Any, value: object, where: str) -> object:
        if not isinstance(value, Mapping):
            self.problems.append(f"'{where}': expected an object, got {_shown(value)}")
            return MISSING_VALUE
        out = {str(k): self._value(item, v, f"{where}.{k}") for k, v in value.items()}
        if any(isinstance(v, _Missing) for v in out.values()):
            return MISSING_VALUE
        return out

    def _enum(self, tp: type[enum.Enum], value: object, where: str) -> object:
        choices = [str(m.value) for m in tp]
        try:
            return tp(value)
        except ValueError:
            hint = suggest(str(value), choices) if isinstance(value, str) else ""
            self.problems.append(
                f"'{where}': {_shown(value)} is not one of {', '.join(choices)}.{hint}"
            )
            return MISSING_VALUE


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
