"""The vectorised Monte Carlo: per-trial annual synergies for every forecast year.

One trial: each initiative delivers or not (Gaussian copula: latent z = sqrt(rho) F_function +
sqrt(1 - rho) e_initiative above a threshold set by its probability), its run-rate is scaled by
a mean-one lognormal magnitude driven by the same function factor plus its own noise, and its
start slips by a whole number of months. A year's synergies are the baseline plus, over
initiatives, run-rate x magnitude x share of that year at ramp.

Work is done per step of whole blocks of trials and per slice of initiatives, so memory stays
bounded whatever the portfolio size; only per-trial yearly totals (and per-initiative sums for
the tornado) outlive a step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from synergies.forecasting.prepare import F64, I64, Prepared
from synergies.forecasting.settings import BLOCK_TRIALS, ForecastSettings
from synergies.forecasting.streams import (
    baseline_normals,
    block_streams,
    function_factors,
)

F32 = npt.NDArray[np.float32]
SLICE_INITIATIVES = 1_000
"""Initiatives per slice. Fixed, so each trial's sum is added in the same order whatever the
chunk size: results are then bit-for-bit independent of it."""
STEP_BYTES = 200_000_000
"""Working memory a worker aims for when the chunk size is automatic."""


@dataclass(frozen=True, slots=True, eq=False)
class Simulation:
    """Per-trial yearly totals, and sums over trials for the tornado.

    `cross[i]` is sum over trials of X_i (T - center) and `share_sum[i]` of X_i, where X_i is
    initiative i's contribution to the target year and T the target-year total; the same two
    sums for the baseline are in `baseline_cross` and `baseline_sum`.
    """

    years: tuple[int, ...]
    totals: F64  # (trials, years)
    center: float
    cross: F64
    share_sum: F64
    baseline_cross: float
    baseline_sum: float


@dataclass(frozen=True, slots=True, eq=False)
class _BlockResult:
    totals: F64
    cross: F64  # (initiatives, 2): sums of X_i (T - center) and of X_i
    baseline: F64  # (2,)


def simulate(prep: Prepared, settings: ForecastSettings) -> Simulation:
    """Run all trials; the same seed gives the same totals whatever chunk size or workers."""
    blocks = math.ceil(settings.trials / BLOCK_TRIALS)
    step = _blocks_per_step(prep, settings)
    steps = [range(b, min(b + step, blocks)) for b in range(0, blocks, step)]
    center = _center(prep)

    def run(block_range: range) -> list[_BlockResult]:
        return _Step(prep, settings, center, block_range).run()

    results = [r for chunk in _map(run, steps, settings.workers) for r in chunk]
    return _assemble(prep, settings, center, results)


def _map(
    run: Callable[[range], list[_BlockResult]], steps: list[range], workers: int
) -> Iterator[list[_BlockResult]]:
    if workers == 1 or len(steps) == 1:
        return map(run, steps)
    # numpy releases the GIL in random fills, ufuncs and BLAS: threads use the cores
    # without copying the prepared arrays into processes.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return iter(list(pool.map(run, steps)))


def _blocks_per_step(prep: Prepared, settings: ForecastSettings) -> int:
    if settings.chunk_trials is not None:
        return max(1, settings.chunk_trials // BLOCK_TRIALS)
    # Bytes per trial: ~50 (+8 per year) per (trial, initiative) pair of a slice, 8 per bin,
    # 8 per initiative for the target-year contributions kept for the tornado.
    years = len(prep.years)
    per_trial = (50 + 8 * years) * min(prep.size, SLICE_INITIATIVES) + 8 * prep.bins
    per_trial += 8 * prep.size
    return max(1, STEP_BYTES // (BLOCK_TRIALS * per_trial))


def _center(prep: Prepared) -> float:
    """A rough plan value of the target year; sums are taken around it to keep precision."""
    target_share = prep.year_share[prep.bin_base, -1] if prep.size else np.zeros(0)
    return prep.baseline + float(np.sum(prep.probability * prep.run_rate * target_share))


def _assemble(
    prep: Prepared, settings: ForecastSettings, center: float, results: list[_BlockResult]
) -> Simulation:
    cross = np.zeros((prep.size, 2))
    baseline = np.zeros(2)
    for result in results:  # in block order, so the sums do not depend on the chunking
        cross += result.cross
        baseline += result.baseline
    return Simulation(
        years=prep.years,
        totals=np.concatenate([r.totals for r in results])[: settings.trials],
        center=center,
        cross=cross[:, 0],
        share_sum=cross[:, 1],
        baseline_cross=float(baseline[0]),
        baseline_sum=float(baseline[1]),
    )


class _Step:
    """Simulate a run of consecutive blocks of trials, initiatives slice by slice."""

    def __init__(
        self, prep: Prepared, settings: ForecastSettings, center: float, blocks: range
    ) -> None:
        self.prep, self.settings, self.center, self.blocks = prep, settings, center, blocks
        self.streams = [block_streams(settings.seed, b) for b in blocks]
        self.factors = self._factors()
        self.draw_magnitude = bool(np.any(prep.sigma > 0))

    def _factors(self) -> F32 | None:
        if self.prep.rho == 0.0 or not self.prep.functions:
            return None
        count = len(self.prep.functions)
        return np.stack([function_factors(self.settings.seed, b, count) for b in self.blocks])

    def run(self) -> list[_BlockResult]:
        k, years = len(self.blocks), len(self.prep.years)
        totals = np.zeros((k, BLOCK_TRIALS, years))
        target = np.empty((k, self.prep.size, BLOCK_TRIALS))
        hist = np.zeros(k * BLOCK_TRIALS * self.prep.bins) if self._by_histogram() else None
        for first in range(0, self.prep.size, SLICE_INITIATIVES):
            part = slice(first, min(first + SLICE_INITIATIVES, self.prep.size))
            weights, local = self._slice(part)
            target[:, part, :] = weights * self.prep.target_share[local]
            if hist is None:
                totals += np.einsum("kib,kiby->kby", weights, self.prep.year_share[local])
            else:
                hist += self._histogram(weights, local)
        if hist is not None:
            totals = np.matmul(hist.reshape(k, BLOCK_TRIALS, -1), self.prep.year_share)
        baseline = self._baseline()
        totals += baseline[:, :, None]
        return [self._block(j, totals[j], target[j], baseline[j]) for j in range(k)]

    def _by_histogram(self) -> bool:
        """Add up by (profile, start) bin when there are fewer bins than initiative-years."""
        return self.prep.bins < self.prep.size * len(self.prep.years)

    def _histogram(self, weights: F64, local: I64) -> F64:
        k, bins = len(self.blocks), self.prep.bins
        trial = np.arange(k * BLOCK_TRIALS, dtype=np.int64).reshape(k, 1, BLOCK_TRIALS)
        local += trial * bins
        sums = np.bincount(local.ravel(), weights.ravel(), minlength=k * BLOCK_TRIALS * bins)
        return np.asarray(sums, dtype=np.float64)  # already float64 with weights; for typing

    def _slice(self, part: slice) -> tuple[F64, I64]:
        """Weights (run-rate x delivered x magnitude) and start bins of a slice of initiatives."""
        prep, rho = self.prep, self.prep.rho
        shared = None
        if self.factors is not None:
            shared = self.factors[:, prep.function_index[part], :]
            shared *= np.float32(math.sqrt(rho))
        latent = self._latent(part)
        if shared is not None:
            latent *= np.float32(math.sqrt(1.0 - rho))
            latent += shared
        delivered = latent > prep.threshold[part].astype(np.float32)[None, :, None]
        del latent
        run_rate = prep.run_rate[part][None, :, None]
        if self.draw_magnitude:
            magnitude = self._magnitude(part, shared)
            magnitude *= delivered
            weights = magnitude * run_rate
        else:
            weights = delivered * run_rate
        return weights, self._bins(part)

    def _latent(self, part: slice) -> F32:
        """Exact standard normals: delivery odds must match the probabilities exactly."""
        rows = part.stop - part.start
        out = np.empty((len(self.streams), rows, BLOCK_TRIALS), dtype=np.float32)
        for j, streams in enumerate(self.streams):
            streams.latent.standard_normal(out=out[j], dtype=np.float32)
        return out

    def _magnitude(self, part: slice, shared: F32 | None) -> F32:
        """Mean-one lognormal multipliers; the function factor moves them with delivery."""
        rho = self.prep.rho
        normal = np.stack([s.magnitudes(part.stop - part.start) for s in self.streams])
        if shared is not None:
            normal *= np.float32(math.sqrt(1.0 - rho))
            normal += shared
        sigma = self.prep.sigma[part].astype(np.float32)[None, :, None]
        normal *= sigma
        normal -= sigma * sigma / np.float32(2.0)
        return np.exp(normal, out=normal)

    def _bins(self, part: slice) -> I64:
        prep = self.prep
        draws = np.stack([s.slips(part.stop - part.start) for s in self.streams])
        if len(prep.slip_table) == 1:
            months = prep.slip_table[0][draws]
        else:
            months = prep.slip_table[prep.slip_row[part][None, :, None], draws]
        local: I64 = months + prep.bin_base[part][None, :, None]
        return local

    def _baseline(self) -> F64:
        """Baseline per trial: the realized run-rate times a mean-one lognormal persistence."""
        k, prep = len(self.blocks), self.prep
        if prep.baseline_sigma == 0.0:
            return np.full((k, BLOCK_TRIALS), prep.baseline)
        sigma = prep.baseline_sigma
        normal = np.stack([baseline_normals(self.settings.seed, b) for b in self.blocks])
        return prep.baseline * np.exp(sigma * normal - sigma * sigma / 2.0)

    def _block(self, j: int, totals: F64, target: F64, baseline: F64) -> _BlockResult:
        valid = min(BLOCK_TRIALS, self.settings.trials - self.blocks[j] * BLOCK_TRIALS)
        mask = np.arange(BLOCK_TRIALS) < valid
        centered = np.where(mask, totals[:, -1] - self.center, 0.0)
        sums = np.column_stack([centered, mask.astype(np.float64)])
        return _BlockResult(totals[:valid], target @ sums, baseline @ sums)
