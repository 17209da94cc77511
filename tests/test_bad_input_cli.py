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
from computegeo.core.fileio import atomic_output_dir, atomic_write_text, unwritable_reason
from computegeo.dataset.catalog import load_markets

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


@pytest.mark.slow  # a real process building the reference plan until HiGHS starts
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


# ---------------------------------------------------------------------------- small ones


@pytest.mark.parametrize("top", ["-1", "0"])
def test_screen_top_must_be_at_least_1(top: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "-c", "power_price=1", "--samples", "0", "--top", top]) == 2
    assert "--top" in capsys.readouterr().err


def test_screen_top_1_shows_one_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "-c", "power_price=1", "--samples", "0", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert f"Ranked {len(load_markets())} markets" in out
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("market_id"))
    rows = lines[start + 1 : lines.index("", start)]
    assert len(rows) == 1


def test_text_column_compared_with_a_number_is_a_type_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["screen", "-c", "power_price=1", "--samples", "0", "-f", "country >= 7"]) == 2
    err = capsys.readouterr().err
    assert "filter 'country >= 7': type error: 'country' is a text column" in err
    assert "excluded" not in err


def test_numeric_column_compared_with_text_is_a_type_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    flt = "democracy_index >= high"
    assert main(["screen", "-c", "power_price=1", "--samples", "0", "-f", flt]) == 2
    assert "'democracy_index' is a numeric column" in capsys.readouterr().err


def test_directories_are_reported_as_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["latency", "--pairs", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert main(["cflp", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert main(["validate", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_cflp_prints_no_solver_banner(tmp_path: Path) -> None:
    # two facilities (capacity 10, fixed cost 1), one customer of demand 15 costing 30 / 45
    # for all of it: both open, 10 units at 2 and 5 at 3 per unit: 1 + 1 + 20 + 15 = 37
    path = tmp_path / "split.txt"
    path.write_text("2 1\n10 1\n10 1\n15\n30 45\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-m", "computegeo", "cflp", str(path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert float(done.stdout.strip()) == pytest.approx(37.0, rel=1e-9)
    assert done.stderr == ""


def test_validate_says_1_workload_and_1_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(_scenario(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "1 workload," in out
    assert "in 1 period." in out


def test_rtt_ms_is_a_float_for_scalars_and_an_array_for_arrays() -> None:
    from computegeo.latency import rtt_ms

    scalar = rtt_ms(-33.87, 151.21, 35.68, 139.69)
    assert type(scalar) is float
    pair = rtt_ms([-33.87, 1.35], [151.21, 103.82], 35.68, 139.69)
    assert pair.shape == (2,)
    assert pair[0] == pytest.approx(scalar)


def test_rtt_ms_text_coordinate_is_an_input_error() -> None:
    from computegeo.core.errors import InputError
    from computegeo.latency import rtt_ms

    with pytest.raises(InputError, match="latitude values must be numbers"):
        rtt_ms("north", 0.0, 0.0, 0.0)  # type: ignore[call-overload]


def test_margin_that_rounds_to_zero_has_no_minus_sign() -> None:
    from computegeo.report.service_sections import fmt_margin_points

    assert fmt_margin_points(-0.0001) == "+0.0 percentage points"
    assert fmt_margin_points(-0.012) == "-1.2 percentage points"


def test_solver_limit_is_rounded_in_progress() -> None:
    from computegeo.optimize.formulation import build_model
    from computegeo.optimize.solve import SolveOptions, solve
    from computegeo.testing import tiny_problem

    messages: list[str] = []
    solve(build_model(tiny_problem()), SolveOptions(time_limit_s=44.2579), messages.append)
    assert any("limit 44.3 s" in m for m in messages)


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (["--seed", "-5"], "--seed: -5 is below the plausible range"),
        (["--concentration", "nan"], "--concentration: .nan is not a finite number"),
        (["--concentration", "inf"], "--concentration: .inf is not a finite number"),
        (["--samples", "-1"], "--samples: -1 is below"),
    ],
)
def test_screen_sensitivity_flags_are_checked(
    flags: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", "-c", "power_price=1", *flags]) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "internal error" not in err
