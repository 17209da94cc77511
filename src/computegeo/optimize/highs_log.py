"""Follow a running HiGHS solve through its log file and report the MIP gap as it moves."""

from __future__ import annotations

import contextlib
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypedDict


class HighsOptions(TypedDict, total=False):
    """HiGHS options passed through linopy's ``Model.solve(**solver_options)``.

    Keys are HiGHS option names; none of them clashes with a named parameter of
    ``linopy.Model.solve``, so all of them reach HiGHS.
    """

    mip_rel_gap: float
    time_limit: float
    output_flag: bool
    solver: str
    threads: int
    log_to_console: bool
    log_file: str


_MIP_LOG_ROW = re.compile(
    r"^\s*\S?\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+(?P<bound>\S+)\s+(?P<best>\S+)\s+(?P<gap>\S+)"
)
"""A row of HiGHS' branch-and-bound table: nodes, explored %, dual bound, best solution, gap."""

LOG_POLL_S = 1.0
"""How often the HiGHS log is read for progress [s]."""


def mip_progress_line(line: str) -> str | None:
    """Turn one row of HiGHS' branch-and-bound log into a progress message.

    Parameters
    ----------
    line : str
        One line of the HiGHS log.

    Returns
    -------
    str or None
        The message with the current gap, or ``None`` for a line that is not a table row.

    Examples
    --------
    >>> mip_progress_line(" L  0  0  0   0.00%   73.4558   73.7651    0.42%   504  46  0  9  0.9s")
    'HiGHS: gap 0.42% between the best plan and the proven bound'
    >>> mip_progress_line("Solving report") is None
    True
    """
    match = _MIP_LOG_ROW.match(line)
    if match is None:
        return None
    return f"HiGHS: gap {match['gap']} between the best plan and the proven bound"


@contextlib.contextmanager
def mip_log_watch(
    highs_options: HighsOptions, on_progress: Callable[[str], None] | None, to_console: bool
) -> Iterator[None]:
    """While HiGHS runs, read its log file and report the incumbent, bound and gap as they move.

    HiGHS releases the GIL while solving, so a reader thread can follow the log it writes.

    Parameters
    ----------
    highs_options : HighsOptions
        The run's options; with ``on_progress`` the log switches and file are set in it.
    on_progress : callable or None
        Called with each new gap message; ``None`` watches nothing.
    to_console : bool
        Also print the HiGHS log on standard output.

    Yields
    ------
    None
        While the solve runs.
    """
    if on_progress is None:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="computegeo-highs-") as folder:
        log_path = Path(folder) / "highs.log"
        highs_options["output_flag"] = True
        highs_options["log_to_console"] = to_console
        highs_options["log_file"] = str(log_path)
        stop = threading.Event()

        def follow() -> None:
            offset, last = 0, ""
            while not stop.wait(LOG_POLL_S):
                if not log_path.exists():
                    continue
                with log_path.open(encoding="utf-8", errors="replace") as handle:
                    handle.seek(offset)
                    chunk = handle.read()
                    offset = handle.tell()
                for line in chunk.splitlines():
                    message = mip_progress_line(line)
                    if message is not None:
                        last = message
                if last:
                    on_progress(last)
                    last = ""

        reader = threading.Thread(target=follow, name="highs-log", daemon=True)
        reader.start()
        try:
            yield
        finally:
            stop.set()
            reader.join()
