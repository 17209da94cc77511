"""Atomic output: nothing half-written on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from computegeo.core.fileio import atomic_output_dir, atomic_write_text


def test_atomic_write_text_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_output_dir_keeps_old_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.json").write_text("{}")

    def interrupted_write() -> None:
        with atomic_output_dir(out) as staging:
            (staging / "plan.json").write_text('{"half":')
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_write()
    assert (out / "plan.json").read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_atomic_output_dir_replaces_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_output_dir(out) as staging:
        (staging / "plan.json").write_text("{}")
    assert (out / "plan.json").read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    # Temporary files start 0600/0700; what is finally written must not stay private.
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
        with atomic_output_dir(tmp_path / "out") as staging:
            (staging / "b.txt").write_text("y")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
