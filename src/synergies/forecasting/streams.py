"""Random streams: one independent stream per (seed, block of trials, kind of draw).

Keying streams by block rather than by chunk makes results independent of the chunk size and
of the number of workers. Within a block, draws are laid out initiative by initiative (row i
holds initiative i's draws for the block's trials), so appending initiatives leaves the draws
of the others unchanged: a what-if shares common random numbers with its base case.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from synergies.forecasting.settings import BLOCK_TRIALS

LEVELS = 1 << 16


class Kind(IntEnum):
    factor = 0
    latent = 1
    magnitude = 2
    slip = 3
    baseline = 4


def generator(seed: int, block: int, kind: Kind) -> np.random.Generator:
    # SFC64 draws normals about twice as fast as PCG64; the seed sequence keeps blocks apart.
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence([seed, block, kind])))


@dataclass(slots=True)
class BlockStreams:
    """The generators of one block; initiative rows are drawn in order, slice by slice."""

    latent: np.random.Generator
    magnitude: np.random.Generator
    slip: np.random.Generator

    def slips(self, rows: int) -> npt.NDArray[np.uint16]:
        """16-bit uniform draws for `rows` initiatives' start slippage."""
        return _uint16(self.slip, rows)

    def magnitudes(self, rows: int) -> npt.NDArray[np.float32]:
        """Standard normals for `rows` initiatives' magnitudes, on a 65,536-point grid.

        The grid holds the normal quantiles at (k + 0.5) / 65,536: a look-up is about five
        times cheaper than an exact draw and the lognormal it drives loses nothing visible.
        """
        return NORMAL_GRID[_uint16(self.magnitude, rows)]


def _uint16(gen: np.random.Generator, rows: int) -> npt.NDArray[np.uint16]:
    # Raw bits are the cheapest uniform; a block's row count keeps whole 64-bit words per
    # slice, so drawing slice by slice equals drawing the block at once.
    count = rows * BLOCK_TRIALS
    raw = gen.bit_generator.random_raw((count + 3) // 4)
    return raw.view(np.uint16)[:count].reshape(rows, BLOCK_TRIALS)


def _normal_grid() -> npt.NDArray[np.float32]:
    unit = NormalDist()
    return np.array([unit.inv_cdf((k + 0.5) / LEVELS) for k in range(LEVELS)], dtype=np.float32)


NORMAL_GRID = _normal_grid()


def block_streams(seed: int, block: int) -> BlockStreams:
    return BlockStreams(
        latent=generator(seed, block, Kind.latent),
        magnitude=generator(seed, block, Kind.magnitude),
        slip=generator(seed, block, Kind.slip),
    )


def function_factors(seed: int, block: int, functions: int) -> npt.NDArray[np.float32]:
    """One standard normal per function and trial: (functions, block trials)."""
    gen = generator(seed, block, Kind.factor)
    return gen.standard_normal((functions, BLOCK_TRIALS), dtype=np.float32)


def baseline_normals(seed: int, block: int) -> npt.NDArray[np.float64]:
    return generator(seed, block, Kind.baseline).standard_normal(BLOCK_TRIALS)
