"""AI-campus markets carry a note (operator, MW, year) that ``computegeo markets`` shows."""

from __future__ import annotations

import json

import pytest

from computegeo.cli import main


def _markets(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["markets", *args])
    out, _ = capsys.readouterr()
    return code, out


def test_show_prints_the_campus_note_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _markets(capsys, "show", "narvik")
    assert code == 0
    # Nscale, Aker and OpenAI news release of 31 Jul 2025: 230 MW planned, +290 MW ambition.
    assert "Stargate Norway" in out
    assert "230 MW planned" in out
    assert "PR Newswire (31 Jul 2025)" in out


def test_json_lists_quincy_and_narvik_with_notes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _markets(capsys, "--format", "json")
    assert code == 0
    by_id = {m["id"]: m for m in json.loads(out)}
    assert {"quincy", "narvik"} <= set(by_id)
    note = by_id["quincy"]["attributes"]["notes"]
    assert "Vantage WA1 (89 MW IT" in note["value"]
    assert note["year"] == 2023
    # A curated metro has no note, and says where its values come from instead.
    assert by_id["tokyo"]["attributes"]["notes"]["value"] == ""
