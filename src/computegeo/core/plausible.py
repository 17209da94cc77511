"""Strict, finite, plausible numbers for validated input files (pydantic field metadata).

A number in a scenario file is accepted only when it is a real number (not ``true``, not
``"100"``), finite (not ``.nan`` or ``.inf``) and inside a *plausible* range: a range wide enough
for any real planning question and narrow enough that a unit slip (W for MW, USD/kW for USD/MW)
or a typo (``1e300``) is caught at load time, with the field, the bound and what to check,
instead of failing inside the solver. The ranges themselves are stated next to the fields they
bound (:mod:`computegeo.scenario.fields`), each with the reason for its bound.

Examples
--------
>>> from typing import Annotated
>>> import textwrap
>>> from pydantic import TypeAdapter, ValidationError
>>> MW = Annotated[float, Plausible(0.0, 1e6, "MW", "1 TW is 20 times the world's fleet")]
>>> TypeAdapter(MW).validate_python(300)
300.0
>>> try:
...     TypeAdapter(MW).validate_python(1e12)
... except ValidationError as exc:
...     print(textwrap.fill(exc.errors()[0]["msg"], 96))
1e+12 is above the plausible maximum 1e+06 MW (1 TW is 20 times the world's fleet); check the
figure and its unit
>>> try:
...     TypeAdapter(MW).validate_python(True)
... except ValidationError as exc:
...     print(exc.errors()[0]["msg"])
true is a boolean, not a number; write the figure in MW (e.g. 1)
"""

from __future__ import annotations

import decimal
import math
import numbers
from dataclasses import dataclass

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

NUMBER_ERROR_TYPES = frozenset(
    {"number_type", "number_not_whole", "number_not_finite", "number_below", "number_above"}
)
"""Pydantic error types raised by :class:`Plausible` (their messages already say the fix)."""


def format_number(value: float) -> str:
    """Short text of a number for messages (``1e+12``, ``300``, ``0.25``).

    >>> format_number(1e300), format_number(300.0), format_number(0.25), format_number(-2.5)
    ('1e+300', '300', '0.25', '-2.5')

    Parameters
    ----------
    value : float
        The number.

    Returns
    -------
    str
        ``f"{value:g}"``.
    """
    return f"{value:g}"


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "empty"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Plausible:
    """Field metadata: the value must be a finite real number in ``[minimum, maximum]``.

    Parameters
    ----------
    minimum, maximum : float
        Inclusive plausible bounds [``unit``].
    unit : str
        Unit of the value, for messages (empty when dimensionless).
    why : str
        Why the bound is where it is (shown with an out-of-range value).
    exclusive_minimum : bool
        When true the minimum itself is not allowed (a value must be greater than it).
    integer : bool
        When true the value must be a whole number.
    text_key : bool
        When true (with ``integer``), digits written as text are read as the number: for the
        keys of a mapping, which JSON (and so a plan's ``scenario.yaml``) always writes as text.
    """

    minimum: float
    maximum: float
    unit: str
    why: str
    exclusive_minimum: bool = False
    integer: bool = False
    text_key: bool = False

    def __get_pydantic_core_schema__(
        self, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Run :meth:`check` on the raw input before pydantic's own number schema."""
        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def _unit_text(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def check(self, value: object) -> object:
        """Return ``value`` unchanged when it is a plausible number; raise otherwise.

        Parameters
        ----------
        value : object
            The raw input (before pydantic's number schema).

        Returns
        -------
        object
            ``value`` unchanged.

        Raises
        ------
        pydantic_core.PydanticCustomError
            ``number_type`` (not a number), ``number_not_whole``, ``number_not_finite``,
            ``number_below`` or ``number_above``; each message says what to write instead.
        """
        if self.text_key and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            value = int(value)
        x = self._as_float(value)
        self._check_finite_whole(x)
        self._check_range(x)
        return int(x) if self.integer and isinstance(value, float | str) else value

    def _as_float(self, value: object) -> float:
        """``value`` as a float; raise ``number_type``, or the side it overflows on."""
        unit = self._unit_text()
        if isinstance(value, bool) or not isinstance(value, numbers.Real | decimal.Decimal):
            what = (
                "a whole number" if self.integer else f"the figure in{unit}" if unit else "a number"
            )
            sample = self._sample()
            raise PydanticCustomError(
                "number_type",
                "{shown} is {kind}, not a number; write {what} (e.g. {sample})",
                {"shown": _shown(value), "kind": _kind(value), "what": what, "sample": sample},
            )
        try:
            return float(value)
        except OverflowError:  # an integer with hundreds of digits
            digits = str(value).lstrip("-")
            side, word, bound = (
                ("number_below", "below", self.minimum)
                if str(value).startswith("-")
                else ("number_above", "above", self.maximum)
            )
            raise PydanticCustomError(
                side,
                "a {n}-digit number is {word} the plausible range (limit {bound}{unit}); "
                "check the figure and its unit",
                {"n": len(digits), "word": word, "bound": format_number(bound), "unit": unit},
            ) from None

    def _check_finite_whole(self, x: float) -> None:
        """Raise ``number_not_finite`` for NaN/inf and ``number_not_whole`` for a fraction."""
        if math.isnan(x) or math.isinf(x):
            unit = self._unit_text()
            raise PydanticCustomError(
                "number_not_finite",
                "{shown} is not a finite number; write a figure{unit} from {lo} to {hi}",
                {
                    "shown": ".nan" if math.isnan(x) else (".inf" if x > 0 else "-.inf"),
                    "unit": unit and f" in{unit}",
                    "lo": format_number(self.minimum),
                    "hi": format_number(self.maximum),
                },
            )
        if self.integer and not x.is_integer():
            raise PydanticCustomError(
                "number_not_whole",
                "{shown} is not a whole number; write an integer such as {sample}",
                {"shown": format_number(x), "sample": self._sample()},
            )

    def _check_range(self, x: float) -> None:
        """Raise ``number_below`` or ``number_above`` outside the plausible range."""
        unit = self._unit_text()
        if x < self.minimum or (self.exclusive_minimum and x == self.minimum):
            word = "greater than" if self.exclusive_minimum else "greater than or equal to"
            raise PydanticCustomError(
                "number_below",
                "{shown} is below the plausible range: it must be {word} {lo}{unit}; "
                "check the figure and its unit",
                {
                    "shown": format_number(x),
                    "word": word,
                    "lo": format_number(self.minimum),
                    "unit": unit,
                },
            )
        if x > self.maximum:
            raise PydanticCustomError(
                "number_above",
                "{shown} is above the plausible maximum {hi}{unit} ({why}); "
                "check the figure and its unit",
                {
                    "shown": format_number(x),
                    "hi": format_number(self.maximum),
                    "unit": unit,
                    "why": self.why,
                },
            )

    def _sample(self) -> str:
        """A value inside the range, for "write ... (e.g. 300)" hints."""
        lo, hi = self.minimum, self.maximum
        if lo <= 1.0 <= hi and not (self.exclusive_minimum and lo == 1.0):
            return "1"
        return format_number(lo if not self.exclusive_minimum else (lo + hi) / 2)
