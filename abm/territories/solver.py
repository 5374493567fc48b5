"""The territory solver: fixed → sticky (released past tolerance) → greedy → repair, per area.

Only the greedy step loops in Python, over the accounts that actually need a rep, with numpy
arithmetic over the handful of eligible reps (see ``abm.territories.assign`` for the method).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from abm.config.settings import TerritorySettings

METRICS = ("buying_power", "accounts", "revenue")
METRIC_LABELS = {"buying_power": "購買力", "accounts": "アカウント数", "revenue": "自社売上"}
FREE_BAND = 1 / 3  # repair band for free moves, as a share of the tolerance (keeps area CVs low)
HELD_BAND = 0.9  # repair band when moving kept accounts: a margin inside the tolerance
EPS = 1e-12


class Solver:
    """Fixed → sticky (released past tolerance) → greedy, with one tighter retry per area."""

    def __init__(self, scope: pl.DataFrame, active: pl.DataFrame, settings: TerritorySettings) -> None:
        self.n = scope.height
        self.n_reps = active.height
        self.tolerance = settings.tolerance
        self.weights = np.array([settings.balance_weights.get(m, 0.0) for m in METRICS])
        self.balanced = self.weights > 0
        self.x = (
            scope.select([f"x_{m}" for m in METRICS])
            .to_numpy()
            .astype(np.float64)
            .reshape(self.n, len(METRICS))
        )
        self.fixed = scope["fixed_idx"].fill_null(-1).to_numpy()
        self.prev = scope["prev_idx"].fill_null(-1).to_numpy()
        self.sticky = scope["sticky"].to_numpy()
        self.key = scope["key_id"].fill_null(-1).to_numpy()
        sets = scope.select("key_id", "eligible").drop_nulls("key_id").unique("key_id").sort("key_id")
        self.sets = {int(k): np.asarray(v, dtype=np.int64) for k, v in sets.iter_rows()}
        self.capacity = active["capacity"].to_numpy().astype(np.float64)
        areas = active["area"].to_list()
        self.area_names = sorted(set(areas))
        self.group = np.array([self.area_names.index(a) for a in areas], dtype=np.int64)
        # an account is balanced in the area of its fixed owner, else last owner, else first eligible rep
        first_of_key = np.full(max(self.sets, default=-1) + 2, -1, dtype=np.int64)
        for k, options in self.sets.items():
            first_of_key[k] = options[0] if options.size else -1
        first = first_of_key[self.key]  # key -1 (no eligible rep) reads the trailing -1
        anchor = np.where(self.fixed >= 0, self.fixed, np.where(self.sticky, self.prev, first))
        self.account_group = (
            np.where(anchor >= 0, self.group[np.maximum(anchor, 0)], -1) if self.n_reps else anchor
        )
        self.targets = self._targets()
        with np.errstate(divide="ignore"):
            self.inv_target = np.where(
                self.targets > 0, 1.0 / np.where(self.targets > 0, self.targets, 1.0), 0.0
            )
        # weight of each balanced metric per rep (0 where the rep has no target in it)
        self.active_weights = np.where(self.targets > 0, self.weights * self.balanced, 0.0)
        self.elig = np.zeros((len(first_of_key), self.n_reps), dtype=bool)  # key -1 reads the last row
        for k, options in self.sets.items():
            self.elig[k, options] = True
        # disruption of moving a kept account: lowest own revenue, then buying power, first (scope order ties)
        order = np.lexsort((np.arange(self.n), self.x[:, 0], self.x[:, 2]))
        self.disruption = np.empty(self.n, dtype=np.int64)
        self.disruption[order] = np.arange(self.n)
        self.notes: list[str | None] = [None] * self.n_reps

    def _targets(self) -> np.ndarray:
        """Per rep and metric: the area's total times the rep's capacity share of the area."""
        n_groups = len(self.area_names)
        totals = np.zeros((n_groups, len(METRICS)))
        has = self.account_group >= 0
        np.add.at(totals, self.account_group[has], self.x[has])
        cap_sum = (
            np.bincount(self.group, weights=self.capacity, minlength=n_groups) if self.n_reps else np.zeros(0)
        )
        return (
            totals[self.group] * (self.capacity / cap_sum[self.group])[:, None] if self.n_reps else totals[:0]
        )

    def solve(self) -> np.ndarray:
        if self.n_reps == 0:
            return np.full(self.n, -1, dtype=np.int64)
        factor = np.full(self.n_reps, 1.0 + self.tolerance)
        owner, load = self._balanced(factor)
        outside = self._excess(load, np.arange(self.n_reps), self.tolerance) > EPS
        if outside.any():  # single moves got stuck: redo those areas with stickiness capped at the target
            factor[np.isin(self.group, np.unique(self.group[outside]))] = 1.0
            retry, retry_load = self._balanced(factor)
            if (self._excess(retry_load, np.arange(self.n_reps), self.tolerance) > EPS).sum() < outside.sum():
                owner, load = retry, retry_load
        self.notes = self._notes(owner, load)
        return owner

    def _balanced(self, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One pass (fixed, sticky under ``factor`` times the target, greedy), then the repair."""
        owner, load = self._pass(factor)
        # free moves first (accounts that change owner anyway), tight band: lowers the area's CV
        self._repair(owner, load, band=self.tolerance * FREE_BAND, held=False)
        if (self._excess(load, np.arange(self.n_reps), self.tolerance * HELD_BAND) > EPS).any():
            # someone is still outside tolerance (a rep joined, books shrank): move kept accounts too
            self._repair(owner, load, band=self.tolerance * HELD_BAND, held=True)
            self._repair(owner, load, band=self.tolerance * FREE_BAND, held=False)
        return owner, load

    def _excess(self, load: np.ndarray, reps: np.ndarray, band: float) -> np.ndarray:
        """Weighted distance of each rep's relative load beyond ±band of its target (0 inside the band)."""
        rel = np.abs(load * self.inv_target[reps] - 1.0)
        return (np.maximum(rel - band, 0.0) * self.active_weights[reps]).sum(axis=-1)

    def _repair(self, owner: np.ndarray, load: np.ndarray, band: float, held: bool) -> None:
        """Move single accounts until every rep is within ±band of its target, least disruptive first.

        Each step takes the rep furthest outside the band and the best improving move that touches
        it: an account out to another eligible rep, or one in from another rep. Moves are ranked
        (1) back to last quarter's owner, (2) an account that changes owner anyway (new, orphaned,
        released), then, only when ``held``, (3) an account its owner keeps from last quarter, the
        lowest own revenue and buying power first (``disruption``) among the moves that achieve at
        least half the best improvement. Fixed accounts (pins, Tier 1) never move. The total
        excess strictly falls with every move, so this ends; moves are few (one per step), and each
        step is numpy over one rep's accounts and the reps.
        """
        reps = np.arange(self.n_reps)
        stuck = np.zeros(self.n_reps, dtype=bool)
        movable = (self.fixed < 0) & (self.key >= 0)
        for _ in range(self.n + 1):
            excess = self._excess(load, reps, band)
            excess[stuck] = 0.0
            r = int(np.argmax(excess))
            if excess[r] <= EPS:
                return
            if self._move(r, owner, load, band, held, movable):
                stuck[:] = False
            else:
                stuck[r] = True

    def _move(
        self, r: int, owner: np.ndarray, load: np.ndarray, band: float, held: bool, movable: np.ndarray
    ) -> bool:
        base_r = self._excess(load[r], np.array(r), band)
        base = self._excess(load, np.arange(self.n_reps), band)
        # out: r's accounts to any other eligible rep (candidates x the reps that may take any of them)
        out = np.flatnonzero(movable & (owner == r))
        cols = np.flatnonzero(self.elig[np.unique(self.key[out])].any(axis=0) & (np.arange(self.n_reps) != r))
        gain_out = self._excess(load[r] - self.x[out], np.full(out.size, r), band) - base_r
        to = (
            self._excess(load[cols][None, :, :] + self.x[out][:, None, :], cols[None, :], band)
            - base[cols][None, :]
        )
        delta_out = np.where(self.elig[self.key[out]][:, cols], gain_out[:, None] + to, np.inf)
        # in: other reps' accounts that r may own
        inn = np.flatnonzero(movable & (owner >= 0) & (owner != r) & self.elig[self.key, r])
        src = owner[inn]
        delta_in = (
            self._excess(load[r] + self.x[inn], np.full(inn.size, r), band)
            - base_r
            + self._excess(load[src] - self.x[inn], src, band)
            - base[src]
        )
        acc = np.r_[np.repeat(out, cols.size), inn]
        dest = np.r_[np.tile(cols, out.size), np.full(inn.size, r)]
        delta = np.r_[delta_out.ravel(), delta_in]
        ok = delta < -EPS
        if not ok.any():
            return False
        acc, dest, delta = acc[ok], dest[ok], delta[ok]
        fresh = owner[acc] != self.prev[acc]
        kind = np.where(dest == self.prev[acc], 0, np.where(fresh, 1, 2))
        if not held:
            keep = kind < 2
            if not keep.any():
                return False
            acc, dest, delta, kind = acc[keep], dest[keep], delta[keep], kind[keep]
        best_kind = kind.min()
        pick = np.flatnonzero(kind == best_kind)
        if best_kind < 2:
            choice = pick[np.argmin(delta[pick])]
        else:  # the least disruptive of the moves doing at least half the best move's good
            good = pick[delta[pick] <= 0.5 * delta[pick].min()]
            choice = good[np.argmin(self.disruption[acc[good]])]
        i, s = int(acc[choice]), int(dest[choice])
        load[owner[i]] -= self.x[i]
        load[s] += self.x[i]
        owner[i] = s
        return True

    def _notes(self, owner: np.ndarray, load: np.ndarray) -> list[str | None]:
        """Why a rep stays outside tolerance after the repair (None when inside), in words for sales ops."""
        reps = np.arange(self.n_reps)
        outside = self._excess(load, reps, self.tolerance) > EPS
        fixed_load = np.zeros_like(load)
        is_fixed = self.fixed >= 0
        np.add.at(fixed_load, self.fixed[is_fixed], self.x[is_fixed])
        reachable = np.zeros_like(
            load
        )  # what the rep could hold at most: its own fixed + every movable it covers
        movable = (self.fixed < 0) & (self.key >= 0)
        for r in np.flatnonzero(outside):
            reachable[r] = fixed_load[r] + self.x[movable & self.elig[self.key, r]].sum(axis=0)
        notes: list[str | None] = []
        limit = f"±{self.tolerance:.0%}"
        for r in reps:
            if not outside[r]:
                notes.append(None)
                continue
            rel = load[r] * self.inv_target[r] - 1.0
            metric = int(np.argmax(np.abs(rel) * self.active_weights[r]))
            label = METRIC_LABELS[METRICS[metric]]
            if rel[metric] > 0 and fixed_load[r, metric] * self.inv_target[r, metric] - 1.0 > self.tolerance:
                notes.append(f"ピン留め・Tier 1 固定のアカウントだけで{label}が許容範囲（{limit}）を超える")
            elif rel[metric] < 0 and reachable[r, metric] * self.inv_target[r, metric] < 1.0 - self.tolerance:
                notes.append(
                    f"担当できるアカウント（地域・業種）が少なく、{label}が許容範囲（{limit}）に届かない"
                )
            else:
                notes.append(
                    f"アカウントの大きさの偏りで、1件ずつの移動では{label}が許容範囲（{limit}）に収まらない"
                )
        return notes

    def _pass(self, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        owner = self.fixed.copy()
        load = np.zeros((self.n_reps, len(METRICS)))
        is_fixed = owner >= 0
        np.add.at(load, owner[is_fixed], self.x[is_fixed])
        # sticky accounts in rep order, each rep's largest first; keep while under the cap in every metric
        sticky = np.flatnonzero(self.sticky)
        if sticky.size:
            order = sticky[np.argsort(self.prev[sticky], kind="stable")]  # scope is already largest-first
            reps = self.prev[order]
            cum = np.cumsum(self.x[order], axis=0)
            starts = np.r_[0, np.flatnonzero(np.diff(reps)) + 1]
            offsets = np.repeat(
                cum[starts] - self.x[order][starts], np.diff(np.r_[starts, reps.size]), axis=0
            )
            held = load[reps] + cum - offsets
            cap = factor[reps, None] * self.targets[reps]
            over = ((held > cap + 1e-9) & self.balanced).any(axis=1)
            over_seen = np.cumsum(over)
            over_seen -= np.repeat(over_seen[starts] - over[starts], np.diff(np.r_[starts, reps.size]))
            kept = order[over_seen == 0]
            owner[kept] = self.prev[kept]
            np.add.at(load, self.prev[kept], self.x[kept])
        # greedy for the rest, largest first, to the eligible rep with the lowest relative load after it
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(self.targets > 0, self.weights / self.targets, 0.0)
        for i in np.flatnonzero((owner < 0) & (self.key >= 0)):
            options = self.sets[int(self.key[i])]
            if options.size == 1:
                best = options[0]
            else:
                cost = ((load[options] + self.x[i]) * scale[options]).sum(axis=1)
                best = options[int(np.argmin(cost))]
            owner[i] = best
            load[best] += self.x[i]
        return owner, load
