"""The two-stage stochastic program over matrix data.

    min  c'x + sum_s p_s q_s'y_s
    s.t. a_lo <= A x <= a_hi,            x_lo <= x <= x_hi,  x_j integer for j in I1
         lo_s <= T_s x + W_s y_s <= hi_s, y_lo <= y_s <= y_hi, y_sj integer for j in I2

for every scenario s. Only what the scenarios change is stored per scenario: the row bounds
always (dense, scenarios x second-stage rows), ``T_s``, ``W_s`` and ``q_s`` as shared objects
unless a scenario changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class TwoStageProblem:
    """A two-stage stochastic (mixed-integer) linear program with discrete scenarios.

    Attributes
    ----------
    name : str
    x_names, y_names : tuple of str
        First- and second-stage column names.
    c : numpy.ndarray
        First-stage cost per column.
    A : scipy.sparse.csr_matrix
        First-stage rows (m1 x n1).
    a_lo, a_hi : numpy.ndarray
        First-stage row bounds.
    x_lo, x_hi : numpy.ndarray
        First-stage column bounds.
    x_int : numpy.ndarray of bool
        First-stage integrality.
    row_names : tuple of str
        Second-stage row names.
    y_lo, y_hi : numpy.ndarray
        Second-stage column bounds.
    y_int : numpy.ndarray of bool
        Second-stage integrality.
    probability : numpy.ndarray
        Scenario probabilities (sum 1).
    h_lo, h_hi : numpy.ndarray
        Second-stage row bounds per scenario (scenarios x m2).
    T, W : tuple of scipy.sparse.csr_matrix
        Technology (m2 x n1) and recourse (m2 x n2) matrices per scenario (shared objects when
        equal).
    q : tuple of numpy.ndarray
        Second-stage costs per scenario (shared objects when equal).
    scenario_names : tuple of str
    objective_offset : float
        Constant added to the objective.
    """

    name: str
    x_names: tuple[str, ...]
    c: np.ndarray
    A: sp.csr_matrix
    a_lo: np.ndarray
    a_hi: np.ndarray
    x_lo: np.ndarray
    x_hi: np.ndarray
    x_int: np.ndarray
    y_names: tuple[str, ...]
    row_names: tuple[str, ...]
    y_lo: np.ndarray
    y_hi: np.ndarray
    y_int: np.ndarray
    probability: np.ndarray
    h_lo: np.ndarray
    h_hi: np.ndarray
    T: tuple[sp.csr_matrix, ...]
    W: tuple[sp.csr_matrix, ...]
    q: tuple[np.ndarray, ...]
    scenario_names: tuple[str, ...]
    objective_offset: float = 0.0

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios."""
        return len(self.probability)

    @property
    def n1(self) -> int:
        """First-stage columns."""
        return len(self.c)

    @property
    def n2(self) -> int:
        """Second-stage columns (per scenario)."""
        return len(self.y_lo)

    @property
    def m2(self) -> int:
        """Second-stage rows (per scenario)."""
        return len(self.row_names)

    @property
    def fixed_recourse(self) -> bool:
        """True when every scenario shares ``W`` and ``q`` (only T and the RHS vary)."""
        return all(w is self.W[0] for w in self.W) and all(v is self.q[0] for v in self.q)

    @property
    def integer_columns(self) -> int:
        """Integer columns of the extensive form."""
        return int(self.x_int.sum()) + self.n_scenarios * int(self.y_int.sum())

    def merged(self) -> TwoStageProblem:
        """Identical scenarios merged into one with their summed probability.

        Two scenarios are identical when their row bounds are equal and they share the same
        ``T``, ``W`` and ``q`` objects; the optimum is unchanged (the recourse of equal
        scenarios is equal), and fewer subproblems are solved.

        Returns
        -------
        TwoStageProblem
            ``self`` when no two scenarios are identical, else a copy with one scenario per
            distinct one.
        """
        keys: dict[tuple[bytes, bytes, int, int, int], int] = {}
        first: list[int] = []
        prob: list[float] = []
        for s in range(self.n_scenarios):
            key = (
                self.h_lo[s].tobytes(),
                self.h_hi[s].tobytes(),
                id(self.T[s]),
                id(self.W[s]),
                id(self.q[s]),
            )
            k = keys.get(key)
            if k is None:
                keys[key] = len(first)
                first.append(s)
                prob.append(float(self.probability[s]))
            else:
                prob[k] += float(self.probability[s])
        if len(first) == self.n_scenarios:
            return self
        idx = np.asarray(first)
        return replace(
            self,
            probability=np.asarray(prob),
            h_lo=self.h_lo[idx],
            h_hi=self.h_hi[idx],
            T=tuple(self.T[s] for s in first),
            W=tuple(self.W[s] for s in first),
            q=tuple(self.q[s] for s in first),
            scenario_names=tuple(self.scenario_names[s] for s in first),
        )
