"""Fuzz the scenario loader and the dataset override loader (hypothesis).

Property: any document gets either a valid result or one clean typed error (ConfigError or
DataError, exit code 2) naming the file, with every schema problem labelled by its field path,
never a traceback, a raw pydantic message or an untyped exception. A scenario that loads must
also build into a problem without an untyped failure (numbers that pass the loader must not
break the model later, as ``start_total: 1e300`` once did inside HiGHS).

The runs are bounded and reproducible: ``derandomize=True`` (examples derived from the test, no
random seed), a fixed ``max_examples`` and no per-example deadline (the machine is shared).
"""

from __future__ import annotations

import copy
import csv
import io
import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import computegeo.pipeline.inputs as pipeline_inputs
from computegeo.core.errors import ComputegeoError, ConfigError, DataError
from computegeo.dataset import catalog, tables
from computegeo.dataset.schema import ColumnType, table_columns
from computegeo.scenario.load import load_scenario
from computegeo.scenario.schema import Scenario
from computegeo.screen.config import ScreenConfig, load_screen_config

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FUZZ_BUILD = settings(FUZZ, max_examples=25)

BASE: dict[str, object] = {
    "name": "fuzz",
    "horizon": {"start_year": 2027, "end_year": 2029},
    "workloads": [
        {"id": "chat", "latency_limit_ms": 50, "data_class": "eu_personal"},
        {"id": "train", "min_cluster_mw": 10},
    ],
    "demand": {
        "generated": [
            {
                "workload": "chat",
                "start_total": 100,
                "annual_growth": [1.5, 1.2],
                "regions": {"continents": ["europe"]},
            }
        ],
        "direct": [{"workload": "train", "region": "tokyo_jp", "year": 2027, "amount": 50}],
        "max_regions": 20,
    },
    "supply": {
        "build": {"max_campus_mw": 500, "construction_months": 24},
        "cloud": {"price_usd_per_gpu_hour": 2.5},
        "utilisation": 0.8,
    },
    "market_overrides": {"frankfurt": {"pue": 1.3, "power_price_usd_per_mwh": 120}},
    "existing": [{"market": "frankfurt", "form": "lease", "capacity_mw": 20, "online_year": 2027}],
    "policies": {
        "markets": {"min_democracy_index": 7, "exclude_countries": ["CN"]},
        "diversification": {"max_share_per_market": 0.6},
        "carbon": {"price_usd_per_tonne": 50},
        "budget_usd_per_period": 5e9,
    },
    "solver": {"time_limit_s": 10, "threads": 1},
    "screen": {"criteria": {"power_price": 2}, "top": 5},
}

_KEY = st.text(string.ascii_lowercase + "_", min_size=1, max_size=10)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 0.5, 2027, 1e6, 1e6 + 1, 1e10, 1e15, 1e300, 2**63, 10**400]),
    st.text(max_size=12),
    st.sampled_from(["1e300", "inf", ".nan", "true", "NO", "europe", "frankfurt", "2027", ""]),
)
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(_KEY, _SCALARS, max_size=3),
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _parent(doc: object, path: tuple[object, ...]) -> object:
    node = doc
    for part in path[:-1]:
        node = node[part]  # type: ignore[index]
    return node


def _rescaled(value: float | int, power: int) -> float | int:
    """``value`` times ``10**power``, kept an integer where it was one (years, counts)."""
    if isinstance(value, int):
        return value + power  # integers are years and counts: a small shift
    return value * 10.0**power if value else float(power)


@st.composite
def scenario_texts(draw: st.DrawFn, mild: bool = False) -> str:
    """A YAML text: the base scenario with a few random edits, or raw text.

    ``mild`` edits only rescale numbers (by 10**-3 .. 10**3) and delete keys, so that many
    documents stay valid and go on to the problem builder.
    """
    if not mild and draw(st.integers(0, 9)) == 0:
        return draw(st.text(alphabet=string.printable, max_size=200))
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        value = parent[path[-1]]  # type: ignore[index]
        ops = ["scale", "delete"] if mild else ["scale", "replace", "replace", "delete", "add"]
        op = draw(st.sampled_from(ops))
        if op == "scale":
            if isinstance(value, int | float) and not isinstance(value, bool):
                parent[path[-1]] = _rescaled(value, draw(st.integers(-3, 3)))  # type: ignore[index]
        elif op == "replace":
            parent[path[-1]] = draw(_VALUES)  # type: ignore[index]
        elif op == "delete":
            del parent[path[-1]]  # type: ignore[attr-defined]
        elif isinstance(parent, dict):
            parent[draw(_KEY)] = draw(_VALUES)
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    if not mild and draw(st.integers(0, 7)) == 0:
        lines = text.splitlines()
        keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+: \S", line)]
        if keyed:
            i = draw(st.sampled_from(keyed))
            lines.insert(i + 1, lines[i])  # the same key twice in one mapping
            text = "\n".join(lines) + "\n"
    return text


_PROBLEM = re.compile(r"^(\(top level\)|[^\s:]+)( \(line \d+\))?: \S")
_RAW_PYDANTIC = ("For further information", "pydantic", "Input should", "validation error")


def _assert_clean(exc: BaseException, name: str) -> None:
    """A typed input error naming the file, with labelled problems and no raw internals."""
    assert isinstance(exc, ConfigError | DataError), repr(exc)
    assert exc.exit_code == 2
    text = exc.render()
    assert name in text
    assert "Traceback" not in text
    for raw in _RAW_PYDANTIC:
        assert raw not in text, text
    labelled = ("is not a valid scenario", "refers to things", "Invalid 'screen:' section")
    if any(phrase in exc.message for phrase in labelled):
        assert exc.problems
        for problem in exc.problems:
            assert _PROBLEM.match(problem), problem


@FUZZ
@given(text=scenario_texts())
def test_any_scenario_document_loads_or_fails_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except ComputegeoError as exc:
        _assert_clean(exc, "fuzz.yaml")
        return
    assert isinstance(scenario, Scenario)


@FUZZ_BUILD
@given(text=scenario_texts(mild=True))
def test_a_scenario_that_loads_also_builds(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario, dataset = pipeline_inputs.prepare(path)
    except ComputegeoError as exc:
        _assert_clean(exc, "fuzz.yaml")
        return
    failure: ComputegeoError | None = None
    try:
        data = pipeline_inputs.build(scenario, dataset)
    except ComputegeoError as exc:  # a valid scenario may still be unplannable: typed, named
        failure = exc
    if failure is not None:
        assert failure.exit_code == 2  # an input problem the builder names (e.g. no region)
        assert failure.problems
        return
    assert data.n_markets >= 1


def test_the_base_document_is_valid(tmp_path: Path) -> None:
    # the fuzz edits a valid scenario, so a failure it finds is the edit's, not the base's
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    scenario, dataset = pipeline_inputs.prepare(path)
    assert pipeline_inputs.build(scenario, dataset).n_markets >= 1


# --------------------------------------------------------------------------- override files

_TABLES = ("markets", "demand_regions")
_IDS = {"markets": ["sydney", "frankfurt", "my_site", "My Site"], "demand_regions": ["tokyo_jp"]}


@st.composite
def override_files(draw: st.DrawFn) -> tuple[str, str, str]:
    """(table, file name, text) of a CSV or YAML override in any of the accepted layouts."""
    table = draw(st.sampled_from(_TABLES))
    cols = table_columns(table)
    id_col = next(iter(cols))
    names = [*cols, "source", "year", "estimate_rule", "bogus"]
    records = []
    for _ in range(draw(st.integers(1, 3))):
        rec: dict[str, object] = {}
        if draw(st.integers(0, 5)):
            rec[id_col] = draw(st.sampled_from(_IDS[table]) | st.text(max_size=8))
        for name in draw(st.lists(st.sampled_from(names), max_size=5, unique=True)):
            col = cols.get(name)
            sane = _SCALARS
            if col is not None and col.type in (ColumnType.FLOAT, ColumnType.INTEGER):
                bound = col.maximum if col.maximum is not None else 1e6
                sane = st.floats(-bound, 2 * bound) | _SCALARS
            rec[name] = draw(sane | st.lists(_SCALARS, max_size=2))
        records.append(rec)
    layout = draw(st.sampled_from(["csv", "list", "keyed", "by_id", "raw"]))
    if layout == "raw":
        suffix = draw(st.sampled_from([".csv", ".yaml"]))
        return table, f"over{suffix}", draw(st.text(alphabet=string.printable, max_size=200))
    if layout == "csv":
        buf = io.StringIO()
        header = list(dict.fromkeys(k for r in records for k in r))
        writer = csv.writer(buf)
        writer.writerow(header)
        for r in records:
            writer.writerow(["" if r.get(h) is None else r.get(h) for h in header])
        return table, "over.csv", buf.getvalue()
    doc: object = records
    if layout == "keyed":
        doc = {table: records}
    elif layout == "by_id":
        doc = {str(r.pop(id_col, "x")): r for r in records}
    return table, "over.yaml", yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@FUZZ
@given(case=override_files())
def test_any_override_file_loads_or_fails_cleanly(
    tmp_path: Path, case: tuple[str, str, str]
) -> None:
    table, name, text = case
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    loader = catalog.load_markets if table == "markets" else tables.load_demand_regions
    try:
        frame = loader(path)
    except ComputegeoError as exc:
        _assert_clean(exc, name)
        return
    for col in table_columns(table).values():
        if col.type in (ColumnType.FLOAT, ColumnType.INTEGER) and col.name in frame.columns:
            values = frame[col.name].dropna().astype(float)
            if col.minimum is not None:
                assert (values >= col.minimum).all(), col.name
            if col.maximum is not None:
                assert (values <= col.maximum).all(), col.name


@pytest.mark.parametrize("table", _TABLES)
def test_bundled_tables_still_load(table: str) -> None:
    loader = catalog.load_markets if table == "markets" else tables.load_demand_regions
    assert len(loader()) > 40


# ----------------------------------------------------------------------- screen: sections

SCREEN_BASE: dict[str, object] = {
    "screen": {
        "method": "topsis",
        "criteria": {"power_price": 3, "carbon": {"weight": 2, "direction": "min"}},
        "demand": ["tokyo_jp"],
        "filters": ["democracy_index >= 7", "not moratorium"],
        "sensitivity": {"samples": 100, "top_k": 3, "seed": 1, "concentration": 50},
        "top": 10,
    }
}


@st.composite
def screen_texts(draw: st.DrawFn) -> str:
    """The ``screen:`` base with random edits (as :func:`scenario_texts` does)."""
    doc = copy.deepcopy(SCREEN_BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if len(p) > 1]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        if draw(st.booleans()):
            parent[path[-1]] = draw(_VALUES)  # type: ignore[index]
        else:
            del parent[path[-1]]  # type: ignore[attr-defined]
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@FUZZ
@given(text=screen_texts())
def test_any_screen_section_loads_or_fails_cleanly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "screen.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        config = load_screen_config(path)
    except ComputegeoError as exc:
        _assert_clean(exc, "screen.yaml")
        return
    assert isinstance(config, ScreenConfig)
