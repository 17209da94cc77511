"""No module of the package is over 600 lines (STYLE.md: "keep modules under about 600 lines").

Every ``*.py`` file under ``src/computegeo`` is counted, with no allow list: a module that grows
past the limit is split along its responsibilities (see docs/architecture.md), not excused.
"""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "computegeo"

#: Longest module allowed [lines], docstrings and comments included.
MAX_MODULE_LINES = 600


def _too_long(files: dict[str, str]) -> list[str]:
    """Describe every module in ``files`` (relative path -> text) over the limit, longest first."""
    lengths = {rel: len(text.splitlines()) for rel, text in files.items()}
    return [
        f"src/computegeo/{rel} has {n} lines (limit {MAX_MODULE_LINES}): split it along its "
        "responsibilities"
        for rel, n in sorted(lengths.items(), key=lambda item: (-item[1], item[0]))
        if n > MAX_MODULE_LINES
    ]


def test_the_package_has_modules_to_check() -> None:
    assert len(list(SRC.rglob("*.py"))) > 150


def test_no_module_over_the_limit() -> None:
    files = {
        path.relative_to(SRC).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(SRC.rglob("*.py"))
    }
    problems = _too_long(files)
    assert problems == [], "\n".join(problems)


def test_the_counter_names_the_file_and_its_length() -> None:
    at_limit = "x = 1\n" * MAX_MODULE_LINES
    assert _too_long({"a/ok.py": at_limit}) == []
    (msg,) = _too_long({"a/ok.py": at_limit, "a/long.py": at_limit + "y = 2\n"})
    assert msg.startswith("src/computegeo/a/long.py has 601 lines (limit 600)")
