"""Optimality cuts, the one representation every two-stage decomposition shares.

:class:`Cuts` holds cuts ``theta_s >= rhs + coef'x`` (one row each, scenario ``s``): a Benders
(LP) cut and an integer L-shaped cut alike. The master that gains them is
:class:`computegeo.engine.master.CutMaster`; the bound and incumbent bookkeeping is
:class:`computegeo.engine.gap.Gap`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Cuts:
    """Optimality cuts ``theta[scenario[k]] >= rhs[k] + coef[k]'x``.

    Attributes
    ----------
    scenario : ndarray of int, shape (K,)
        The scenario (future) whose recourse each cut bounds.
    coef : ndarray, shape (K, n1)
        Coefficients of the first-stage variables [objective units per unit of x].
    rhs : ndarray, shape (K,)
        Intercepts [objective units].
    """

    scenario: np.ndarray
    coef: np.ndarray
    rhs: np.ndarray

    @classmethod
    def at(
        cls, scenario: np.ndarray, x: np.ndarray, value: np.ndarray, gradient: np.ndarray
    ) -> Cuts:
        """Linearisations ``value + gradient'(x' - x)`` of the recourse at ``x``.

        Parameters
        ----------
        scenario : ndarray of int, shape (K,)
            Scenarios.
        x : ndarray, shape (n1,)
            The point where the recourse was evaluated.
        value : ndarray, shape (K,)
            Recourse values there [objective units].
        gradient : ndarray, shape (K, n1)
            Their subgradients.

        Returns
        -------
        Cuts
            One cut per scenario.
        """
        return cls(np.asarray(scenario), gradient, value - gradient @ x)

    def __len__(self) -> int:
        """Number of cuts."""
        return len(self.scenario)

    @classmethod
    def concat(cls, parts: list[Cuts], n1: int) -> Cuts:
        """All cuts of ``parts``, in their order.

        Parameters
        ----------
        parts : list of Cuts
            Cut batches over the same ``n1`` first-stage variables.
        n1 : int
            Number of first-stage variables (the shape of an empty result).

        Returns
        -------
        Cuts
            One collection.
        """
        if not parts:
            return cls(np.zeros(0, dtype=np.int64), np.zeros((0, n1)), np.zeros(0))
        return cls(
            np.concatenate([p.scenario for p in parts]),
            np.vstack([p.coef for p in parts]),
            np.concatenate([p.rhs for p in parts]),
        )

    def slack(self, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """How far each cut is from binding at ``(x, theta)``: ``theta_s - rhs - coef'x``.

        Parameters
        ----------
        x : ndarray, shape (n1,)
            First stage, in the cuts' variables.
        theta : ndarray, shape (S,)
            Recourse estimates, in the cuts' units.

        Returns
        -------
        ndarray, shape (K,)
            Slack of each cut (negative: the cut is violated) [cut units].
        """
        return theta[self.scenario] - self.rhs - self.coef @ x

    def binding(self, x: np.ndarray, theta: np.ndarray, share: float) -> np.ndarray:
        """The cuts nearly binding at ``(x, theta)``: slack at most ``share`` of ``|theta_s|``.

        Every cut is valid, so a master with any subset of them still gives a valid bound;
        keeping the nearly binding ones keeps a MILP master small where its optimum lies.

        Parameters
        ----------
        x : ndarray, shape (n1,)
            First stage (e.g. the last LP master's).
        theta : ndarray, shape (S,)
            Its recourse estimates [cut units].
        share : float
            Slack allowed per unit of ``max(|theta_s|, 1)`` [-].

        Returns
        -------
        ndarray of bool, shape (K,)
            The mask of cuts to keep.
        """
        limit = share * np.maximum(np.abs(theta[self.scenario]), 1.0)
        return self.slack(x, theta) <= limit

    def aggregate(self, group: np.ndarray, weight: np.ndarray) -> Cuts:
        """Combine one cut per scenario into one cut per group of scenarios.

        For a group ``g``: ``Theta_g >= sum_{s in g} w_s (rhs_s + coef_s'x)``, valid for
        ``Theta_g = sum_{s in g} w_s theta_s`` (the master's
        :meth:`~computegeo.engine.master.CutMaster.aggregate`). Only groups whose every
        scenario has a cut here are combined (a missing one has no valid term).

        Parameters
        ----------
        group : ndarray of int, shape (S,)
            Group of each scenario.
        weight : ndarray, shape (S,)
            Weight of each scenario in its group [-] (from the master's
            :meth:`~computegeo.engine.master.CutMaster.aggregate`).

        Returns
        -------
        Cuts
            One cut per complete group; ``scenario`` holds the group.

        Raises
        ------
        ValueError
            A scenario has more than one cut here.
        """
        s = np.asarray(self.scenario, dtype=np.int64)
        if len(np.unique(s)) != len(s):
            msg = "aggregate one cut per scenario (cuts taken at one point)"
            raise ValueError(msg)
        n_groups = int(group.max()) + 1
        g = group[s]
        complete = np.bincount(g, minlength=n_groups) == np.bincount(group, minlength=n_groups)
        w = weight[s]
        coef = np.zeros((n_groups, self.coef.shape[1]))
        np.add.at(coef, g, w[:, None] * self.coef)
        rhs = np.bincount(g, weights=w * self.rhs, minlength=n_groups)
        keep = np.flatnonzero(complete)
        return Cuts(keep, coef[keep], rhs[keep])

    def select(self, keep: np.ndarray) -> Cuts:
        """A subset of the cuts.

        Parameters
        ----------
        keep : ndarray
            A boolean mask or an index array over the cuts.

        Returns
        -------
        Cuts
            The kept cuts, in their order.
        """
        return Cuts(self.scenario[keep], self.coef[keep], self.rhs[keep])
