"""Turn a submitted scenario into a validated job folder, or field-named errors.

A plan request carries a scenario as YAML text, as a JSON object, or by the name of a bundled
example, plus optional dataset overrides as uploaded *content* (never a path on the server). The
scenario is written into a fresh staging folder inside the data folder and validated there by
:func:`computegeo.pipeline.plan.validate`, exactly as ``computegeo validate`` does it, so the web
reports the same field paths, line numbers and "did you mean" hints as the CLI.

The validated scenario (defaults filled in) and the overrides' contents are hashed: identical
requests get the same hash, which is the key of the result cache.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from computegeo.core.errors import ComputegeoError, ConfigError, InputError, suggest

if TYPE_CHECKING:
    from computegeo.scenario.schema import Scenario

OVERRIDE_FILES = {"markets": "markets_override", "demand_regions": "demand_regions_override"}
"""Scenario ``dataset:`` key -> request field that carries that file's content."""
OVERRIDE_FORMATS = ("csv", "yaml")
_PROBLEM_RE = re.compile(
    r"^(?P<field>[A-Za-z_][\w-]*(?:\.[^\s.:\[\]]+|\[\d+\])*)(?: \(line (?P<line>\d+)\))?: "
    r"(?P<message>.+)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class FieldError:
    """One validation problem of a submitted scenario.

    Attributes
    ----------
    field : str
        The field path it names (``""`` for the whole document).
    message : str
        What is wrong and how to fix it.
    line : int or None
        The 1-based line of the YAML text, when known.
    """

    field: str
    message: str
    line: int | None = None

    def as_json(self) -> dict[str, object]:
        """The ``{"field", "message"}`` object of a 422 response (``line`` when known).

        Returns
        -------
        dict
            ``field``, ``message`` and, when known, ``line``.
        """
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        return out


class RequestInvalid(Exception):  # noqa: N818 - it is a response, not a programming error
    """A request the API answers with 422 and a list of field errors.

    Parameters
    ----------
    message : str
        Summary of what is wrong.
    errors : sequence of FieldError
        One per problem.
    """

    def __init__(self, message: str, errors: Sequence[FieldError]) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


def field_errors(exc: ComputegeoError, default_field: str = "") -> list[FieldError]:
    """Split a computegeo error's bulleted problems into field errors.

    Parameters
    ----------
    exc : ComputegeoError
        The error; each problem reads ``"field.path (line N): message"`` when it names one.
    default_field : str, optional
        Field given to problems that name none.

    Returns
    -------
    list of FieldError
        One per problem (the message itself when there are none).

    Examples
    --------
    >>> err = ConfigError("bad", ["horizon.start_year (line 3): must be >= 2020", "no path"])
    >>> [(e.field, e.line) for e in field_errors(err, "scenario")]
    [('horizon.start_year', 3), ('scenario', None)]
    """
    problems = exc.problems or [exc.message]
    out = []
    for problem in problems:
        m = _PROBLEM_RE.match(problem)
        if m is None:
            out.append(FieldError(default_field, problem))
        else:
            line = int(m["line"]) if m["line"] else None
            out.append(FieldError(m["field"], m["message"], line))
    return out


@dataclass(frozen=True)
class DatasetUpload:
    """The content of one dataset override file, sent with the request."""

    format: str
    content: str


@dataclass(frozen=True)
class Intake:
    """A validated plan submission staged in ``folder`` (``scenario.yaml`` plus overrides)."""

    folder: Path
    name: str
    scenario_hash: str


def _scenario_text(scenario: str | dict[str, object] | None, example: str | None) -> str:
    """The YAML text to validate, from exactly one of ``scenario`` and ``example``."""
    from computegeo.scenario.load import bundled_scenario_names
    from computegeo.scenario.template import bundled_path

    if (scenario is None) == (example is None):
        raise RequestInvalid(
            "give a scenario or the name of an example",
            [
                FieldError(
                    "scenario",
                    "send exactly one of 'scenario' (YAML text or a JSON object) and "
                    "'example' (a bundled example's name)",
                )
            ],
        )
    if example is not None:
        names = bundled_scenario_names()
        if example not in names:
            message = (
                f"no bundled example named {example!r}.{suggest(example, names)}"
                f" Choose from: {', '.join(names)}."
            )
            raise RequestInvalid("unknown example", [FieldError("example", message)])
        return bundled_path(example).read_text(encoding="utf-8")
    if isinstance(scenario, dict):
        return yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True)
    return scenario or ""


def _check_no_paths(text: str) -> None:
    """Refuse ``dataset:`` file paths: a client must never name files on the server."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # the validator reports the YAML error with its line
    dataset = doc.get("dataset") if isinstance(doc, dict) else None
    if not isinstance(dataset, dict):
        return
    errors = [
        FieldError(
            f"dataset.{key}",
            f"file paths on the server are not accepted; send the file's content as "
            f'\'{OVERRIDE_FILES[key]}\': {{"format": "csv", "content": "..."}} and leave '
            "dataset: out",
        )
        for key in OVERRIDE_FILES
        if dataset.get(key) is not None
    ]
    if errors:
        raise RequestInvalid("the scenario names server files", errors)


def _scenario_hash(scenario_yaml: str, uploads: dict[str, DatasetUpload]) -> str:
    digest = hashlib.sha256()
    digest.update(scenario_yaml.encode("utf-8"))
    for key in sorted(uploads):
        up = uploads[key]
        digest.update(json.dumps([key, up.format, up.content]).encode("utf-8"))
    return digest.hexdigest()


def stage_plan(
    staging_root: Path,
    scenario: str | dict[str, object] | None,
    example: str | None,
    uploads: dict[str, DatasetUpload],
    validator: Callable[[Path], Scenario] | None = None,
) -> Intake:
    """Validate a plan submission and stage it in a new folder under ``staging_root``.

    Parameters
    ----------
    staging_root : Path
        Folder for staging (inside the server's data folder).
    scenario : str, dict or None
        YAML text or a JSON object of the scenario.
    example : str or None
        Name of a bundled example instead of ``scenario``.
    uploads : dict
        Scenario ``dataset:`` key (``markets``, ``demand_regions``) -> uploaded content.
    validator : callable, optional
        Checks the staged ``scenario.yaml`` and returns the scenario (default
        :func:`computegeo.pipeline.plan.validate`); a risk job's also checks its ``risk:`` section
        and stress tests. It may raise :class:`RequestInvalid` itself.

    Returns
    -------
    Intake

    Raises
    ------
    RequestInvalid
        With one field error per problem (field path, message, line).
    """
    from computegeo.pipeline.inputs import validate
    from computegeo.pipeline.output_folder import scenario_yaml

    text = _scenario_text(scenario, example)
    _check_no_paths(text)
    folder = Path(staging_root) / secrets.token_hex(8)
    folder.mkdir(parents=True)
    try:
        if uploads:
            lines = ["", "dataset:"]
            for key, up in sorted(uploads.items()):
                file_name = f"{OVERRIDE_FILES[key]}.{up.format}"
                (folder / file_name).write_text(up.content, encoding="utf-8")
                lines.append(f"  {key}: {file_name}")
            # appended after the user's text so the line numbers of messages still match it
            text = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        path = folder / "scenario.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            validated = (validator or validate)(path)
        except InputError as exc:
            raise _invalid(exc, folder) from None
        relative = validated.model_copy(
            update={
                "dataset": validated.dataset.model_copy(
                    update={
                        key: f"{OVERRIDE_FILES[key]}.{up.format}" for key, up in uploads.items()
                    }
                )
            }
        )
        canonical = scenario_yaml(relative)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Intake(folder, validated.name, _scenario_hash(canonical, uploads))


def _invalid(exc: InputError, folder: Path) -> RequestInvalid:
    """A 422 from a validation error, with the staging folder's path taken out of messages."""
    default = "scenario" if isinstance(exc, ConfigError) else "dataset"

    def clean(text: str) -> str:
        text = text.replace(str(folder / "scenario.yaml"), "scenario")
        return text.replace(str(folder) + "/", "")

    errors = [FieldError(e.field, clean(e.message), e.line) for e in field_errors(exc, default)]
    return RequestInvalid(clean(exc.message), errors)
