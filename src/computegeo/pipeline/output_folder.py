"""The output folder of a plan run: written whole and atomically, and read back.

See :mod:`computegeo.pipeline.plan` for what the folder holds. :func:`check_output_dir` refuses a
folder whose replacement would destroy something that is not ours; :func:`write_outputs` writes
it through :func:`computegeo.core.fileio.atomic_output_dir`; :func:`read_plan_dir` reads a
previous one (for ``--baseline``, ``computegeo explain`` and ``compare``).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import yaml

from computegeo.core.errors import InputError
from computegeo.core.fileio import atomic_output_dir, atomic_write_text, unwritable_reason
from computegeo.explain import PlanComparison, PlanExplanation
from computegeo.pipeline.screening import screen_csv
from computegeo.pipeline.stages import Progress, Stage, quiet_progress
from computegeo.report import render_report
from computegeo.report.xlsx import workbook_bytes
from computegeo.results.plan import Plan, read_plan_document, write_tables
from computegeo.scenario.schema import Scenario
from computegeo.screen import ScreenResult
from computegeo.signals import signals_report


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario with every default filled in, as YAML.

    Parameters
    ----------
    scenario : Scenario
        The scenario as run.

    Returns
    -------
    str
        YAML text (keys in schema order, Unicode kept).
    """
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def check_output_dir(output_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something that is not ours.

    The folder is replaced whole, so it must not exist, be empty, or be a previous computegeo
    output (it holds ``plan.json``).

    Parameters
    ----------
    output_dir : Path
        The folder a run would write.

    Raises
    ------
    InputError
        If ``output_dir`` cannot be written (read-only place, under an existing file), is a
        file, the current or home folder, or a non-empty folder without ``plan.json``.
    """
    path = Path(output_dir)
    reason = unwritable_reason(path)
    if reason is not None:
        msg = f"--output {path} cannot be written: {reason}"
        raise InputError(msg, ["give a folder in a place you can write, e.g. computegeo-out"])
    if not path.exists():
        return
    if not path.is_dir():
        msg = f"--output {path} is a file, not a folder"
        raise InputError(msg, ["give a folder name such as computegeo-out"])
    if path.resolve() in (Path.cwd().resolve(), Path.home().resolve()):
        msg = f"--output {path} would replace the current or home folder"
        raise InputError(msg, ["give a new folder name such as computegeo-out"])
    if any(path.iterdir()) and not (path / "plan.json").is_file():
        msg = f"--output {path} is a folder with other files in it; it would be replaced whole"
        raise InputError(
            msg, ["give a new or empty folder, or a previous computegeo output folder"]
        )


def plan_json_text(plan: Plan, explanation: PlanExplanation | None = None) -> str:
    """``plan.json`` text: the plan, plus its ``explanation`` when given.

    Parameters
    ----------
    plan : Plan
        The plan.
    explanation : PlanExplanation, optional
        Stored under the ``explanation`` key when given.

    Returns
    -------
    str
        JSON text (indent 1) ending in a newline.
    """
    doc = plan.to_json_dict()
    if explanation is not None:
        doc["explanation"] = explanation.to_json_dict()
    return json.dumps(doc, indent=1) + "\n"


def read_plan_dir(plan_dir: Path) -> tuple[Plan, dict[str, object], PlanExplanation | None]:
    """A previous output folder: its plan, its scenario.yaml (decoded) and its explanation.

    Parameters
    ----------
    plan_dir : Path
        A folder written by ``computegeo plan``.

    Returns
    -------
    tuple of (Plan, dict, PlanExplanation or None)
        The plan from plan.json, the scenario.yaml mapping (empty if it is not a mapping) and
        the explanation stored in plan.json (``None`` when there is none).

    Raises
    ------
    InputError
        When the folder lacks plan.json or scenario.yaml.
    """
    folder = Path(plan_dir)
    for name in ("plan.json", "scenario.yaml"):
        if not (folder / name).is_file():
            msg = f"{folder}: no {name} in it"
            raise InputError(msg, ["give a folder written by `computegeo plan`"])
    plan, document = read_plan_document(folder / "plan.json")
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")) or {}
    raw = document.get("explanation")
    origin = str(folder / "plan.json")
    explanation = PlanExplanation.from_json_dict(raw, origin) if isinstance(raw, dict) else None
    return plan, scenario if isinstance(scenario, dict) else {}, explanation


def write_outputs(  # noqa: PLR0913 - each optional part of the folder is one argument
    plan: Plan,
    scenario: Scenario,
    output_dir: Path,
    progress: Progress = quiet_progress,
    screen: ScreenResult | None = None,
    explanation: PlanExplanation | None = None,
    comparison: PlanComparison | None = None,
) -> Path:
    """Write plan.json, tables, report.html and scenario.yaml into ``output_dir`` atomically.

    With ``screen``, also tables/screen.csv (every ranked market) and a "Market screen" section
    in report.html (the top ``screen.top`` rows when set). ``explanation`` goes into plan.json
    and the report; ``comparison`` adds the report's "Compared with the baseline" section.

    Parameters
    ----------
    plan : Plan
        The solved plan.
    scenario : Scenario
        The scenario as run (written as scenario.yaml, its name in the workbook).
    output_dir : Path
        Folder to write; replaced whole (see :func:`check_output_dir`).
    progress : callable
        ``progress(stage, message)`` for live display.
    screen : ScreenResult, optional
        A market screen to add.
    explanation : PlanExplanation, optional
        The plan's explanation.
    comparison : PlanComparison, optional
        A comparison with a baseline plan.

    Returns
    -------
    Path
        ``output_dir``.

    Raises
    ------
    InputError
        When ``output_dir`` may not be replaced (see :func:`check_output_dir`).
    """
    check_output_dir(Path(output_dir))
    with atomic_output_dir(Path(output_dir)) as staging:
        progress(Stage.WRITE, "plan.json")
        atomic_write_text(staging / "plan.json", plan_json_text(plan, explanation))
        progress(Stage.WRITE, "tables (CSV + Parquet)")
        write_tables(plan, staging / "tables")
        _write_workbook(plan, scenario, staging / "tables" / "plan.xlsx")
        if screen is not None:
            (staging / "tables").mkdir(exist_ok=True)
            (staging / "tables" / "screen.csv").write_text(screen_csv(screen), encoding="utf-8")
        (staging / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        progress(Stage.WRITE, "report.html")
        shown = screen
        if screen is not None and scenario.screen is not None and scenario.screen.top:
            shown = dataclasses.replace(screen, table=screen.table.head(scenario.screen.top))
        html = render_report(
            plan,
            screen=shown,
            signals=signals_report(),
            explanation=explanation,
            comparison=comparison,
        )
        (staging / "report.html").write_text(html, encoding="utf-8")
    return Path(output_dir)


def _write_workbook(plan: Plan, scenario: Scenario, path: Path) -> None:
    """tables/plan.xlsx: a summary sheet plus one sheet per table."""
    path.write_bytes(workbook_bytes(plan, scenario.name))
