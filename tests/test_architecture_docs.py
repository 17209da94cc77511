"""docs/architecture.md and docs/problem-data.md agree with the code they describe.

- every package under src/computegeo is named in docs/architecture.md, and its layer table lists
  the import-linter contract's layers in the contract's order;
- the generated tables (layers, inner contracts, ProblemData fields) are current;
- the ProblemData field table names exactly the dataclass's fields, and the validator enforces
  each bound of the table.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from computegeo.core.errors import DataError
from computegeo.problem.data import ProblemData
from computegeo.problem.fields import FIELDS, Dtype, FieldSpec
from computegeo.testing import random_problem

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "computegeo"
ARCHITECTURE = REPO / "docs" / "architecture.md"


def _script() -> ModuleType:
    path = REPO / "scripts" / "generate_structure_docs.py"
    spec = importlib.util.spec_from_file_location("generate_structure_docs", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_package_is_named_in_architecture_md() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in SRC.glob("*/__init__.py"))
    assert len(packages) >= 15
    missing = [p for p in packages if f"`computegeo.{p}" not in text]
    assert missing == [], f"packages not named in docs/architecture.md: {missing}"


def test_layer_table_order_equals_the_contract() -> None:
    script = _script()
    contract = [m for layer in script.contract_layers() for m in layer]
    text = ARCHITECTURE.read_text(encoding="utf-8")
    table = text.split("<!-- layers:start -->", 1)[1].split("<!-- layers:end -->", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `([\w.]+)` \|", table, flags=re.M)
    assert [m for _, m in rows] == contract
    levels = [int(k) for k, _ in rows]
    assert levels == sorted(levels)
    # every layered package exists (a contract naming a removed package is stale)
    for module in contract:
        rel = Path(*module.split(".")[1:])
        assert (SRC / rel / "__init__.py").exists() or (SRC / rel).with_suffix(".py").exists()


def test_generated_tables_are_current() -> None:
    assert _script().main(["--check"]) == 0, "run python scripts/generate_structure_docs.py"


def test_field_table_names_the_dataclass_fields_in_order() -> None:
    assert [f.name for f in FIELDS] == [f.name for f in dataclasses.fields(ProblemData)]


@pytest.fixture(scope="module")
def problem() -> ProblemData:
    return random_problem(np.random.default_rng(3), 6, 4, 3, finite_policies=True)


BOUNDED = [
    f
    for f in FIELDS
    if f.dims and f.dtype in (Dtype.FLOAT, Dtype.INT) and (f.lower is not None or f.finite)
]


@pytest.mark.parametrize("spec", BOUNDED, ids=[f.name for f in BOUNDED])
def test_validator_enforces_each_bound_of_the_table(problem: ProblemData, spec: FieldSpec) -> None:
    value = np.array(getattr(problem, spec.name), dtype=np.float64)
    if value.size == 0:
        pytest.skip(f"{spec.name} is empty in this problem")
    bad = value.copy()
    if spec.lower is not None:
        bad.flat[0] = spec.lower - 1.0 if not spec.lower_open else spec.lower
    else:
        bad.flat[0] = np.inf
    with pytest.raises(DataError) as err:
        dataclasses.replace(problem, **{spec.name: bad})
    assert any(p.startswith(f"{spec.name}: ") for p in err.value.problems), err.value.problems
