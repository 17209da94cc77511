"""Atomic file and folder output: a failed or interrupted run never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    # os.umask can only be read by setting it; restore it at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : Path
        The file to create or replace; missing parent folders are created.
    text : str
        The whole content.
    encoding : str, optional
        Text encoding of the file.

    Raises
    ------
    OSError
        If ``path`` cannot be written; ``filename`` is ``path``, never the temporary file.
    """
    atomic_write_bytes(path, text.encode(encoding))


def unwritable_reason(path: Path) -> str | None:
    """Why ``path`` (a file or folder to be created or replaced) cannot be written, or ``None``.

    Checks, without creating anything that stays, what a write would need: every existing
    ancestor is a folder, and the nearest existing one accepts a new entry (probed by creating
    and removing a temporary file, so read-only mounts and pseudo file systems such as /proc are
    caught even where permission bits would allow it).

    Parameters
    ----------
    path : Path
        The output path as the user gave it.

    Returns
    -------
    str or None
        A reason naming ``path`` or its ancestor, or ``None`` when a write should succeed.
    """
    path = Path(path)
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    for parent in (path.parent, *path.parent.parents):
        if parent.exists() and not parent.is_dir():
            return f"{parent} is a file, so {path} cannot be created inside it"
    if path.exists() and path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
        return f"{path} is a folder that cannot be written"
    try:
        fd, probe = tempfile.mkstemp(dir=ancestor, prefix=".computegeo-probe-")
    except OSError as exc:
        return f"cannot create files in {ancestor}: {exc.strerror or exc}"
    os.close(fd)
    Path(probe).unlink(missing_ok=True)
    return None


def _user_error(exc: OSError, path: Path) -> OSError:
    """The same error naming the user's path instead of a hidden temporary one."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : Path
        The file to create or replace; missing parent folders are created.
    data : bytes
        The whole content.

    Raises
    ------
    OSError
        If ``path`` cannot be written; ``filename`` is ``path``, never the temporary file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _user_error(exc, path) from None
    try:
        # mkstemp creates 0600; the finished file gets the permissions of an ordinary file.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _user_error(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_output_dir(path: Path) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``path`` whole, on failure it is removed.

    The staging folder is a sibling of ``path`` so the final rename stays on one file system.
    An existing ``path`` is only removed after the new folder is complete.

    Parameters
    ----------
    path : Path
        The output folder to create or replace.

    Yields
    ------
    Path
        The staging folder (a hidden sibling of ``path``) to write into.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        )
        # mkdtemp creates 0700; the finished folder gets the permissions of an ordinary folder.
        staging.chmod(0o777 & ~_umask())
    except OSError as exc:
        raise _user_error(exc, path) from None
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    try:
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            path.replace(old)
        staging.replace(path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not path.exists():
            old.replace(path)  # put the previous output back
        raise _user_error(exc, path) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
