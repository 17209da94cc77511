"""The CLI shell: exit codes and error rendering shared by every sub-command."""

from __future__ import annotations

import subprocess
import sys

from computegeo.cli import main
from computegeo.core.errors import ConfigError, suggest


def test_help_exits_zero(capsys) -> None:
    assert main(["--help"]) == 0
    assert "computegeo" in capsys.readouterr().out


def test_unknown_command_is_usage_error() -> None:
    assert main(["no-such-command"]) == 2


def test_error_renders_bullets() -> None:
    err = ConfigError("scenario.yaml is invalid", ["periods: must be increasing"])
    assert err.render() == "scenario.yaml is invalid\n  - periods: must be increasing"
    assert err.exit_code == 2


def test_suggest_close_match() -> None:
    assert "sydney" in suggest("sydny", ["sydney", "tokyo"])


def test_module_entry_point_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "computegeo", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr


def test_missing_file_is_input_error_without_traceback(capsys, tmp_path) -> None:
    code = main(["validate", str(tmp_path / "missing.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert "missing.yaml" in err
    assert "Traceback" not in err
