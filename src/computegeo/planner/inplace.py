"""One planning model across solver rounds: built once, changed in place, warm-started.

The planner's rounds (lazy N-1 contingencies; relax-and-restrict on large cases) used to rebuild
the linopy model and translate it to HiGHS for every solve. :class:`InPlaceModel` builds the
model once (without the contingencies still to come), keeps its ``highspy.Highs`` instance and
changes that in place:

- **N-1 rows** of new contingencies are made by the model builder itself: the variable
  families and :func:`computegeo.optimize.constraints.add_n1_resilience` run on a context
  holding only those contingencies, and the rows are translated with the builder's own matrix
  (its columns mapped by variable name and coordinate onto the kept model's, its
  ``contingency-flow`` columns appended). The rows are thus the rows a fresh build with every
  included contingency makes, up to row and column order (tests/test_planner_inplace.py).
- **Binary modes** are bound changes: the LP relaxation makes the binaries continuous in
  [0, 1]; a rounded plan fixes them (both bounds at the value); the restricted MILP sets the
  upper bound of binaries outside the neighbourhood to 0 (the fresh build left them out,
  i.e. at 0); the full MILP restores them.
- **Warm starts**: a MILP round is given the previous round's binaries as a partial solution
  (``Highs.setSolution``); HiGHS completes it with an LP (the repair of the old fallback) and
  starts from it when it is feasible. An LP re-solve after rows were added starts from the
  kept basis.

The linopy model keeps the solution of the last run on its variables (what
:func:`computegeo.optimize.extract.read_solution` reads), and its solver is the kept HiGHS
instance, so the duals re-solve (:func:`computegeo.optimize.solve.resolve_fixed_lp`) uses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import linopy
import numpy as np
import xarray as xr

from computegeo.optimize import variables
from computegeo.optimize.constraints import add_n1_resilience
from computegeo.optimize.context import ModelContext
from computegeo.optimize.formulation import build_model_from_context
from computegeo.optimize.solve import SolveOptions, SolveResult, solve_highs

BINARY_FAMILIES = ("site-campus_open", "cluster-use")
"""Binary variable families whose mode (MILP, relaxed, fixed, restricted) rounds change."""

CONTINGENCY_FLOW = "contingency-flow"
N1_VARIABLE_FAMILIES = (variables.add_site_variables, variables.add_contingency_variables)
"""The variable builders the N-1 rows need (``site-capacity`` and ``contingency-flow``): a
block of N-1 rows is built on these alone, not on every variable family."""
CUT_COEF_TOL = 1e-9
"""Cut coefficients smaller than this are dropped [-]."""


class CapacityCutLike(Protocol):
    """A row ``sum_s coef_s k[s, period] <= rhs`` (see :mod:`computegeo.planner.n1_cuts`)."""

    @property
    def period(self) -> int:
        """Period of the capacity columns."""

    @property
    def coef(self) -> np.ndarray:
        """(S,) coefficients [-]."""

    @property
    def rhs(self) -> float:
        """Right-hand side [MW]."""

    @property
    def contingency(self) -> int:
        """Position in ``data.contingencies()`` of the contingency the cut stands for."""


class BinaryMode:
    """What the binaries of the next run are (see :meth:`InPlaceModel.set_binaries`)."""

    MILP = "milp"
    RELAX = "relax"
    FIXED = "fixed"
    RESTRICTED = "restricted"


def _translate(model: linopy.Model) -> linopy.solvers.Highs:
    """The direct translation of linopy to HiGHS (what ``Model.solve(io_api="direct")`` does)."""
    model.constraints.sanitize_zeros()
    return linopy.solvers.Highs.from_model(model, io_api="direct", set_names=False)


def _label_to_col(vlabels_any: object) -> np.ndarray:
    """Column of each variable label in a translation (-1 for labels without a column).

    ``vlabels`` (linopy's ``model.matrices.vlabels``) lists the label of each column in order.
    """
    vlabels = np.asarray(vlabels_any, dtype=np.int64)
    out = np.full(int(vlabels.max(initial=-1)) + 1, -1, dtype=np.int64)
    out[vlabels] = np.arange(len(vlabels), dtype=np.int64)
    return out


@dataclasses.dataclass(eq=False)
class InPlaceModel:
    """A built planning model and its HiGHS instance, changed in place between rounds.

    Attributes
    ----------
    ctx : ModelContext
        The context the model stands for now (its ``contingency_ids`` grow as rows are added;
        ``fixed``, ``relax`` and ``binary_allowed`` stay empty: binary modes are bounds).
    model : linopy.Model
        The model built once; its variables hold the last run's solution.
    h : highspy.Highs
        The kept HiGHS instance.
    """

    ctx: ModelContext
    model: linopy.Model
    h: Any
    _col_of_label: np.ndarray
    _binary_cols: dict[str, np.ndarray]
    _objective_offset: float
    row_blocks: list[tuple[linopy.Model, int]] = dataclasses.field(default_factory=list)
    """Each batch of rows added in place: the builder's model of them and its first HiGHS row
    (for their duals, :func:`computegeo.optimize.solve.resolve_fixed_lp`)."""
    _added_cols: list[np.ndarray] = dataclasses.field(default_factory=list)
    cuts: list[tuple[int, CapacityCutLike]] = dataclasses.field(default_factory=list)
    """Each N-1 capacity cut added (:meth:`add_capacity_cuts`) with its HiGHS row."""

    @property
    def n_cuts(self) -> int:
        """N-1 capacity cuts added (:meth:`add_capacity_cuts`)."""
        return len(self.cuts)

    @classmethod
    def build(cls, ctx: ModelContext) -> InPlaceModel:
        """Build the model of ``ctx`` (its current contingencies) and translate it once.

        Parameters
        ----------
        ctx : ModelContext
            The problem with the contingencies to start from; ``fixed``, ``relax`` and
            ``binary_allowed`` must be empty (use :meth:`set_binaries`).

        Returns
        -------
        InPlaceModel
            The model, translated, not solved.
        """
        base = dataclasses.replace(ctx, fixed={}, relax=False, binary_allowed={})
        model = build_model_from_context(base)
        solver = _translate(model)
        model.solver = solver
        h = solver.solver_model
        col_of = _label_to_col(model.matrices.vlabels)
        binary_cols: dict[str, np.ndarray] = {}
        for name in BINARY_FAMILIES:
            if name in model.variables:
                labels = model.variables[name].labels.values
                binary_cols[name] = np.where(labels >= 0, col_of[np.maximum(labels, 0)], -1)
        const = model.objective.expression.const
        offset = float(np.asarray(const.values if hasattr(const, "values") else const).sum())
        return cls(
            ctx=base,
            model=model,
            h=h,
            _col_of_label=col_of,
            _binary_cols=binary_cols,
            _objective_offset=offset,
        )

    # ------------------------------------------------------------------ N-1 rows
    def add_contingencies(self, contingency_ids: tuple[int, ...]) -> None:
        """Add the N-1 variables and rows of ``contingency_ids`` (not yet included) in place.

        Parameters
        ----------
        contingency_ids : tuple of int
            Positions in ``data.contingencies()``.

        Raises
        ------
        InfeasibleError
            When a new contingency leaves a required share no allowed market (as the builder
            raises it).
        """
        new = tuple(c for c in contingency_ids if c not in self.ctx.contingency_ids)
        if not new:
            return
        sub_ctx = dataclasses.replace(self.ctx, contingency_ids=new)
        sub = linopy.Model(force_dim_names=True)
        for add in N1_VARIABLE_FAMILIES:
            add(sub, sub_ctx)
        add_n1_resilience(sub, sub_ctx)
        self.ctx = dataclasses.replace(self.ctx, contingency_ids=self.ctx.contingency_ids + new)
        if CONTINGENCY_FLOW not in sub.variables:
            return
        sub.constraints.sanitize_zeros()
        mat = sub.matrices
        vlabels = np.asarray(mat.vlabels, dtype=np.int64)
        sub_col = _label_to_col(vlabels)
        target = np.full(len(vlabels), -1, dtype=np.int64)  # sub column -> HiGHS column
        for name in sub.variables:
            labels = sub.variables[name].labels.values.ravel()
            cols = sub_col[labels[labels >= 0]]
            if name == CONTINGENCY_FLOW:
                first = int(self.h.getNumCol())
                lb = np.asarray(mat.lb, dtype=float)[cols]
                ub = np.asarray(mat.ub, dtype=float)[cols]
                self.h.addVars(len(cols), lb, ub)
                target[cols] = np.arange(first, first + len(cols), dtype=np.int64)
                self._added_cols.append(target[cols].copy())
                continue
            kept = self.model.variables[name].labels.values.ravel()
            target[cols] = self._col_of_label[kept[labels >= 0]]
        a = mat.A
        if a is None:
            return
        csr = a.tocsr()
        indices = target[csr.indices]
        b = np.asarray(mat.b, dtype=float)
        sense = np.asarray(mat.sense)
        lower = np.where(sense != "<", b, -np.inf)
        upper = np.where(sense != ">", b, np.inf)
        first_row = int(self.h.getNumRow())
        self.h.addRows(
            csr.shape[0],
            lower,
            upper,
            csr.nnz,
            csr.indptr.astype(np.int32),
            indices.astype(np.int32),
            csr.data.astype(float),
        )
        self.row_blocks.append((sub, first_row))

    def add_capacity_cuts(self, cuts: Sequence[CapacityCutLike]) -> None:
        """Add rows ``sum_s coef_s k[s, period] <= rhs`` on the site-capacity columns.

        Parameters
        ----------
        cuts : sequence of CapacityCut
            From :class:`computegeo.planner.n1_cuts.ContingencyOracle` [MW].
        """
        if not cuts:
            return
        labels = self.model.variables["site-capacity"].labels.values
        k_cols = self._col_of_label[labels]  # (S, T)
        starts, index, value = [0], [], []
        for cut in cuts:
            keep = np.abs(cut.coef) > CUT_COEF_TOL
            index.append(k_cols[keep, cut.period])
            value.append(cut.coef[keep])
            starts.append(starts[-1] + int(keep.sum()))
        rhs = np.array([cut.rhs for cut in cuts], dtype=float)
        first_row = int(self.h.getNumRow())
        self.h.addRows(
            len(cuts),
            np.full(len(cuts), -np.inf),
            rhs,
            starts[-1],
            np.asarray(starts[:-1], dtype=np.int32),
            np.concatenate(index).astype(np.int32),
            np.concatenate(value).astype(float),
        )
        self.cuts.extend((first_row + i, cut) for i, cut in enumerate(cuts))

    def relax_cuts(self, contingency_ids: Sequence[int]) -> None:
        """Lift the capacity cuts of these contingencies (row bounds to infinity), in place.

        Parameters
        ----------
        contingency_ids : sequence of int
            Contingencies whose own N-1 rows now stand in for their cuts.
        """
        lifted = set(contingency_ids)
        rows = np.array([r for r, cut in self.cuts if cut.contingency in lifted], dtype=np.int32)
        if len(rows):
            inf = np.full(len(rows), np.inf)
            self.h.changeRowsBounds(len(rows), rows, -inf, inf)

    def capacity_values(self) -> np.ndarray:
        """Site capacity of HiGHS' current solution (not the linopy copy).

        Returns
        -------
        numpy.ndarray, shape (S, T)
            Capacity of each site in each period [MW].
        """
        labels = self.model.variables["site-capacity"].labels.values
        col_value = np.asarray(self.h.getSolution().col_value, dtype=float)
        return np.nan_to_num(col_value[self._col_of_label[labels]])

    # ------------------------------------------------------------------ binaries
    def set_binaries(self, mode: str, values: Mapping[str, np.ndarray] | None = None) -> None:
        """Set the mode of the binary families for the next run (bounds and integrality only).

        Parameters
        ----------
        mode : str
            A :class:`BinaryMode`: ``milp`` (binary), ``relax`` (continuous in [0, 1]),
            ``fixed`` (at ``values``, rounded, where given; other families stay binary) or
            ``restricted`` (binary where ``values`` is true, 0 elsewhere).
        values : mapping of str to numpy.ndarray, optional
            Per family, the fixed values or the allowed mask (shaped as the family).
        """
        values = values or {}
        for name, cols_all in self._binary_cols.items():
            present = cols_all >= 0
            cols = cols_all[present].astype(np.int32)
            if len(cols) == 0:
                continue
            lb = np.zeros(len(cols))
            ub = np.ones(len(cols))
            integer = np.ones(len(cols), dtype=np.uint8)
            given = values.get(name)
            if mode == BinaryMode.RELAX:
                integer[:] = 0
            elif mode == BinaryMode.FIXED and given is not None:
                lb = ub = np.round(np.asarray(given, dtype=float)[present])
                integer[:] = 0
            elif mode == BinaryMode.RESTRICTED and given is not None:
                ub = np.where(np.asarray(given, dtype=bool)[present], 1.0, 0.0)
            self.h.changeColsIntegrality(len(cols), cols, integer)
            self.h.changeColsBounds(len(cols), cols, lb, ub)

    def warm_start(self, binaries: Mapping[str, np.ndarray]) -> None:
        """Give HiGHS these binary values as a partial start of the next MILP run.

        Parameters
        ----------
        binaries : mapping of str to numpy.ndarray
            Per binary family, its values (shaped as the family); HiGHS completes the other
            columns with an LP and keeps the start when it is feasible.
        """
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for name, cols_all in self._binary_cols.items():
            given = binaries.get(name)
            if given is None:
                continue
            present = cols_all >= 0
            cols.append(cols_all[present])
            vals.append(np.round(np.asarray(given, dtype=float)[present]))
        if not cols:
            return
        index = np.concatenate(cols).astype(np.int32)
        self.h.setSolution(len(index), index, np.concatenate(vals))

    # ------------------------------------------------------------------ solve
    def solve(
        self, options: SolveOptions, on_progress: Callable[[str], None] | None = None
    ) -> SolveResult:
        """Run HiGHS on the model as it stands and keep the solution on the linopy variables.

        Parameters
        ----------
        options : SolveOptions
            Gap [-], time limit [s], threads, LP algorithm (for LP modes), log.
        on_progress : callable, optional
            Receives progress messages.

        Returns
        -------
        SolveResult
            As :func:`computegeo.optimize.solve.solve` returns it [MUSD].
        """
        result = solve_highs(self.h, options, on_progress, objective_offset=self._objective_offset)
        if result.has_solution:
            self._store_solution()
        return result

    def _store_solution(self) -> None:
        col_value = np.asarray(self.h.getSolution().col_value, dtype=float)
        for name in self.model.variables:
            var = self.model.variables[name]
            labels = var.labels.values
            cols = np.where(labels >= 0, self._col_of_label[np.maximum(labels, 0)], -1)
            values = np.where(cols >= 0, col_value[np.maximum(cols, 0)], np.nan)
            var.solution = xr.DataArray(values, var.labels.coords, dims=var.labels.dims)
        # linopy reads solutions only from a model marked solved (as Model.solve marks it)
        self.model.status = "ok"
        self.model.termination_condition = "optimal"

    def status_line(self) -> str:
        """The size of the HiGHS instance as it stands, as a progress message.

        Returns
        -------
        str
            ``model: N variables, M constraints``.
        """
        return f"model: {self.h.getNumCol():,} variables, {self.h.getNumRow():,} constraints"
