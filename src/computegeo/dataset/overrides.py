r"""Read user override files (CSV or YAML) into numbered raw records for schema validation.

Accepted layouts
----------------
CSV
    A header line with column names (the id column, e.g. ``market_id``, plus any columns of
    the table); one row per record. Empty cells mean "not given". Rows are numbered by their
    line in the file (the header is line 1).
YAML
    A list of mappings, or a mapping with the table name as key holding such a list
    (``markets: [...]``), or a mapping from id to a mapping of columns. Items are numbered
    from 1 in file order.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
>>> _ = p.write_text("market_id,pue\nsydney,1.3\n")
>>> read_override(p, "markets")[0]
OverrideRow(number=2, label='row', record={'market_id': 'sydney', 'pue': '1.3'}, line=None)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

from computegeo.core.errors import DataError
from computegeo.core.yamlio import YamlProblem, load_yaml
from computegeo.dataset.schema import table_columns

CSV_SUFFIXES = frozenset({".csv"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass(frozen=True)
class OverrideRow:
    """One raw record of an override file with its position for messages."""

    number: int
    label: str
    record: dict[str, object]
    line: int | None = None
    """First line of the record in the file (YAML items; a CSV row's number is its line)."""

    @property
    def name(self) -> str:
        """How messages name the record: ``"2"`` or, for a YAML item, ``"2 (line 5)"``."""
        return f"{self.number} (line {self.line})" if self.line is not None else str(self.number)


def read_override(path: Path, table: str) -> list[OverrideRow]:
    """Read an override file for ``table``.

    Parameters
    ----------
    path : Path
        ``.csv``, ``.yaml`` or ``.yml`` file.
    table : str
        Table the file overrides (names the id column and the YAML top-level key).

    Returns
    -------
    list of OverrideRow
        The raw records in file order, numbered for messages.

    Raises
    ------
    DataError
        If the file is missing, unreadable, of an unknown type or not laid out as documented.
    """
    path = Path(path)
    if path.is_dir():
        msg = f"override file {path} is a directory (give the path of a .csv or .yaml file)"
        raise DataError(msg)
    if not path.is_file():
        msg = f"override file {path} not found (give the path of a .csv or .yaml file)"
        raise DataError(msg)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"override file {path} cannot be read as UTF-8 text: {exc}"
        raise DataError(msg) from exc
    if suffix in CSV_SUFFIXES:
        return _csv_rows(path, text)
    if suffix in YAML_SUFFIXES:
        return _yaml_rows(path, text, table)
    msg = f"override file {path} has suffix {suffix!r}; use .csv, .yaml or .yml"
    raise DataError(msg)


def _csv_rows(path: Path, text: str) -> list[OverrideRow]:
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        msg = f"override file {path} is empty (it needs a header line and at least one row)"
        raise DataError(msg) from None
    header = [h.strip() for h in header]
    problems = []
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problems.append(f"{path.name}, row 1: repeated column name(s) {', '.join(dup)}")
    rows: list[OverrideRow] = []
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                f"{path.name}, row {line_no}: {len(cells)} cells but the header has "
                f"{len(header)} columns"
            )
            continue
        record: dict[str, object] = {
            h: c for h, c in zip(header, cells, strict=True) if c.strip() != ""
        }
        rows.append(OverrideRow(line_no, "row", record))
    if problems:
        msg = f"override file {path} is not a well-formed CSV table; nothing was loaded"
        raise DataError(msg, problems)
    if not rows:
        msg = f"override file {path} has a header but no rows"
        raise DataError(msg)
    return rows


def _yaml_rows(path: Path, text: str, table: str) -> list[OverrideRow]:
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        msg = f"override file {path} is not valid YAML; nothing was loaded"
        raise DataError(msg, [f"{path.name}, {exc}"]) from None
    id_col = next(iter(table_columns(table)))
    lines = _item_lines(text, table)
    if isinstance(data, dict) and table in data:
        data = data[table]
    if isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        clash = [k for k, v in data.items() if id_col in v and v[id_col] != k]
        if clash:
            msg = f"override file {path}: the key and the '{id_col}' of an entry disagree"
            raise DataError(msg, [f"{path.name}, entry {k!r}: give the id once" for k in clash])
        data = [{id_col: k, **v} for k, v in data.items()]
    if not isinstance(data, list) or not data:
        msg = (
            f"override file {path}: expected a list of {table} records "
            f"(or '{table}:' holding one), "
            f"each a mapping with '{id_col}' and the columns to set"
        )
        raise DataError(msg)
    rows: list[OverrideRow] = []
    problems = []
    for i, item in enumerate(data, start=1):
        line = lines[i - 1] if i - 1 < len(lines) else None
        where = f"item {i}" + (f" (line {line})" if line is not None else "")
        if not isinstance(item, dict):
            problems.append(
                f"{path.name}, {where}: expected a mapping of column: value, "
                f"got {type(item).__name__}"
            )
            continue
        rows.append(
            OverrideRow(i, "item", {str(k): v for k, v in item.items() if v is not None}, line)
        )
    if problems:
        msg = f"override file {path} has {len(problems)} problem(s); nothing was loaded"
        raise DataError(msg, problems)
    return rows


def _item_lines(text: str, table: str) -> list[int]:
    """1-based first line of each record of a YAML override, in the order :func:`_yaml_rows` reads.

    Mirrors the accepted layouts (a list, ``table:`` holding a list, or id -> mapping); a layout
    that does not match gives no lines (messages then name the item number only).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return []
    if isinstance(node, yaml.MappingNode):
        inner = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == table]
        if inner:
            node = inner[0]
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return [key.start_mark.line + 1 for key, _ in node.value]
    return []
