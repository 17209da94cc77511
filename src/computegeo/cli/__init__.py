"""The ``computegeo`` command line: thin wrappers that parse, call the public API, write files.

Exit codes: 0 success; 1 infeasible scenario or solver failure; 2 bad input (file, flag or
argument). Errors are printed as one clear message on standard error, never as a traceback.

Each sub-command lives in its own module under ``computegeo.cli`` and exposes
``register(app)``; add the module to ``COMMAND_MODULES`` to make it appear.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

import typer

from computegeo.core.errors import ComputegeoError

COMMAND_MODULES: tuple[str, ...] = (
    "plan",
    "risk",
    "explain",
    "compare",
    "screen",
    "markets",
    "latency",
    "cflp",
    "sslp",
    "signals",
    "serve",
)
"""Sub-command modules, in the order they appear in ``computegeo --help``."""


def build_app() -> typer.Typer:
    """Create the Typer application with every sub-command registered.

    Returns
    -------
    typer.Typer
        The ``computegeo`` application (imports each command's module).
    """
    app = typer.Typer(
        name="computegeo",
        help="Plan where to put AI compute capacity: markets, latency, screening and planning.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def _root() -> None:
        """Plan where to put AI compute capacity: markets, latency, screening and planning."""

    @app.command("version")
    def _version() -> None:
        """Print the computegeo version."""
        from computegeo import __version__

        typer.echo(__version__)

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"computegeo.cli.{name}")
        module.register(app)
    return app


@functools.cache
def _command() -> typer.core.TyperGroup:
    """The click command of :func:`build_app`, converted once per process.

    Typer converts the application to a click command on every call (about 0.2 s of
    signature and type-hint inspection for the eleven sub-commands); every invocation makes
    its own click context, so one converted command serves every in-process ``main`` call.
    """
    command = typer.main.get_command(build_app())
    if not isinstance(command, typer.core.TyperGroup):  # the root callback makes it a group
        raise TypeError(f"computegeo's CLI should be a command group, got {type(command)}")
    return command


INTERRUPTED_EXIT_CODE = 130
"""Exit code after Ctrl-C (128 + SIGINT, as shells report it)."""
INTERRUPTED_MESSAGE = (
    "computegeo: interrupted (Ctrl-C); nothing was written (a previous output is unchanged)"
)
"""The one line printed on standard error after Ctrl-C; outputs are atomic, so it is true."""


def _interrupted() -> int:
    print(INTERRUPTED_MESSAGE, file=sys.stderr)
    return INTERRUPTED_EXIT_CODE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 ok, 1 infeasible or solver failure, 2 bad input, 130 interrupted.
    """
    try:
        command = _command()  # imports numpy, pandas, pydantic: Ctrl-C may come here too
        args = list(argv) if argv is not None else None
        result = command.main(args=args, standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return _interrupted()
    except ComputegeoError as exc:
        print(f"computegeo: error: {exc.render()}", file=sys.stderr)
        return exc.exit_code
    except typer.TyperException as exc:
        # Usage errors (unknown command, bad flag); Typer's ClickException derives from this.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"computegeo: error: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        return _interrupted()
    except OSError as exc:
        # A file that cannot be read or written is an input problem: name it, no traceback.
        where = f" {exc.filename}" if exc.filename else ""
        print(f"computegeo: error: cannot access{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug in computegeo: say so plainly, traceback only on request
        if os.environ.get("COMPUTEGEO_DEBUG"):
            traceback.print_exc()
        print(
            f"computegeo: internal error ({type(exc).__name__}: {exc}). This is a bug in"
            " computegeo; please report it with the command you ran"
            " (COMPUTEGEO_DEBUG=1 shows the traceback).",
            file=sys.stderr,
        )
        return 1
    if result == INTERRUPTED_EXIT_CODE:
        # Typer turns Ctrl-C into a silent return of 130 (no command returns it): say so
        return _interrupted()
    return result if isinstance(result, int) else 0
