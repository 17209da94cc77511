"""Bad input on the command line: unwritable outputs, Ctrl-C, small flag and path mistakes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from computegeo.cli import INTERRUPTED_EXIT_CODE, INTERRUPTED_MESSAGE, main
from computegeo.fileio import atomic_output_dir, atomic_write_text, unwritable_reason

SRC = Path(__file__).resolve().parents[1] / "src"
PROC = Path("/proc")

TINY = """\
name: tiny
horizon: {start_year: 2027, end_year: 2027}
workloads:
  - {id: chat, latency_limit_ms: 50}
demand:
  generated: [{workload: chat, start_total: 10, annual_growth: 1.2}]
"""


def _scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def _plan_fails_before_solving(tmp_path: Path, output: str, capsys: pytest.CaptureFixture[str]):
    code = main(["plan", str(_scenario(tmp_path)), "--quiet", "--output", output])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--output {output} cannot be written" in err
    assert ".partial" not in err
    assert ".tmp" not in err
    assert "Traceback" not in err
    return err


def test_output_under_an_existing_file_is_refused_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    output = str(tmp_path / "afile" / "out")
    err = _plan_fails_before_solving(tmp_path, output, capsys)
    assert "afile is a file" in err
    assert "solving" not in err


@pytest.mark.skipif(not PROC.is_dir(), reason="needs the Linux /proc pseudo file system")
def test_output_in_proc_is_refused_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _plan_fails_before_solving(tmp_path, str(PROC / "computegeo-out"), capsys)
    assert "cannot create files in /proc" in err


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write read-only folders"
)
def test_output_in_a_read_only_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _plan_fails_before_solving(tmp_path, str(ro / "out"), capsys)
    finally:
        ro.chmod(0o755)


def test_unwritable_reason_is_none_for_a_new_nested_folder(tmp_path: Path) -> None:
    assert unwritable_reason(tmp_path / "a" / "b" / "out") is None
    assert not (tmp_path / "a").exists()  # the probe creates nothing that stays
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not PROC.is_dir(), reason="needs the Linux /proc pseudo file system")
def test_atomic_writers_name_the_users_path_not_the_temporary_one() -> None:
    target = PROC / "computegeo-test" / "x.txt"
    with pytest.raises(OSError, match="computegeo-test") as info:
        atomic_write_text(target, "x")
    assert info.value.filename == str(target)
    folder = PROC / "computegeo-out"
    with pytest.raises(OSError, match="computegeo-out") as info2, atomic_output_dir(folder):
        pass
    assert info2.value.filename == str(folder)


def test_ctrl_c_during_the_solve_exits_130_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "computegeo", "plan", "reference", "--output", str(out)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, cwd=tmp_path
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while "starting HiGHS" not in seen and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
    assert "starting HiGHS" in seen
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=120)
    assert proc.returncode == INTERRUPTED_EXIT_CODE
    assert rest.strip().splitlines()[-1] == INTERRUPTED_MESSAGE
    assert "Traceback" not in rest
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no staging folder left behind
