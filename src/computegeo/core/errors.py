"""Typed errors: every user-facing failure is one of these, never a bare traceback.

``InputError`` and its subclasses mean the user's input is wrong (CLI exit code 2);
``InfeasibleError`` and ``SolverError`` mean the input was valid but no plan exists or the
solver failed (CLI exit code 1).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class ComputegeoError(Exception):
    """Base class of all computegeo errors.

    Parameters
    ----------
    message : str
        What went wrong, in one sentence.
    problems : sequence of str, optional
        One entry per problem found (each names the file, field and fix); rendered as bullets.
    """

    exit_code: int = 1

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.message = message
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        """The message followed by one bulleted line per problem.

        Returns
        -------
        str
            The message, then ``  - problem`` lines.
        """
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class InputError(ComputegeoError):
    """The user's input (file, flag, argument) is invalid."""

    exit_code = 2


class DataError(InputError):
    """A data table (bundled or user override) fails validation."""


class ConfigError(InputError):
    """A scenario or configuration file fails validation."""


class InfeasibleError(ComputegeoError):
    """The problem is valid but has no feasible solution; ``problems`` explain why."""

    exit_code = 1


class SolverError(ComputegeoError):
    """The solver failed or stopped without a usable solution."""

    exit_code = 1


def suggest(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return a " Did you mean ...?" hint for a misspelt name, or an empty string.

    Parameters
    ----------
    name : str
        The name as the user wrote it.
    choices : iterable of str
        The names that exist.
    n : int, optional
        Most matches to offer.

    Returns
    -------
    str
        ``" Did you mean 'a' or 'b'?"`` (with a leading space, to append to a message), or
        ``""`` when nothing is close (difflib ratio below 0.6).

    Examples
    --------
    >>> suggest("sydny", ["sydney", "tokyo"])
    " Did you mean 'sydney'?"
    >>> suggest("zzz", ["sydney"])
    ''
    """
    matches = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(m) for m in matches) + "?"
