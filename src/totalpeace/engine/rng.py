"""Counter-based random numbers: every draw is a pure function of (seed, run, month, purpose, index).

A stateful generator would tie results to the batching: run 7 drawn in a batch of 1,000 would see other numbers than
run 7 drawn alone. Hashing the coordinates of each draw (SplitMix64's finaliser over a combined 64-bit key, the
construction of counter-based generators such as Philox and Random123) gives the same number whatever the batch size,
worker count or order. `index` enumerates territories and groups within a purpose.

The model's mechanisms draw inside compiled code with `draw_uniform`, `draw_normal`, `draw_poisson` and
`draw_negative_binomial`, given the stream's key (`stream_key`) and a `Draws` mode: the counter-based streams, or
every draw at its central value (uniforms at a fixed number, normal shocks at 0, counts at their means), which makes
a run deterministic for exact cross-checks against an independent implementation. `uniforms`, `normals`, `poisson`
and `negative_binomial` give whole arrays of the same streams from Python.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

import numba
import numpy as np


class Purpose(IntEnum):
    """Separate streams for each kind of draw (never reuse a value: append new purposes at the end)."""

    EFFORT_NOISE = 1
    STATE_CLASHES = 2
    GROUP_CLASHES = 3
    HOMICIDES = 4
    TALKS_ADVANCE = 5
    BREAKDOWN = 6  # not drawn any more: the tables draw their hazard under TALKS_ADVANCE (kept so no value is reused)
    SPLIT = 7
    DISSENT = 8
    LETHAL_CLASHES = 9
    MASSACRES = 10
    WILLINGNESS = 11
    SPLIT_HAZARD = 12
    VIOLATIONS_SEEN = 13
    CRIME_DRIFT = 14
    REGIONAL_DRIFT = 15
    MAJOR_ATTACKS = 16


class Draws(NamedTuple):
    """How the engine draws: `central` False uses the counter-based streams; True puts every draw at its central
    value (`uniform` for every uniform, 0 for normal shocks, the mean for Poisson and negative-binomial counts)."""

    central: bool
    uniform: float


COUNTER = Draws(False, 0.0)


def central(uniform: float) -> Draws:
    """Every draw at its central value, uniforms at `uniform` (for exact cross-checks of one path)."""
    return Draws(True, float(uniform))


@numba.njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective avalanche over uint64."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True)
def stream_key(seed: int, run: int, month: int, purpose: int) -> np.uint64:
    """The 64-bit key of one run's stream for this month and purpose (wrapping uint64 arithmetic)."""
    golden = np.uint64(0x9E3779B97F4A7C15)
    base = _mix(np.uint64(seed) + golden * np.uint64(1 + purpose))
    key = _mix(base ^ (np.uint64(run) * golden))
    return _mix(key + np.uint64(month + 1) * np.uint64(0xBF58476D1CE4E5B9))


@numba.njit(cache=True)
def unit(key: np.uint64, counter: np.uint64) -> float:
    """Uniform [0, 1) number `counter` of the stream `key` (53 random bits)."""
    bits = _mix(key + counter * np.uint64(0x9E3779B97F4A7C15))
    return float(bits >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def _normal_one(key: np.uint64, i: int) -> float:
    """Standard normal from uniforms 2i and 2i + 1 of the stream (Box-Muller)."""
    u1 = 1.0 - unit(key, np.uint64(2 * i))
    u2 = unit(key, np.uint64(2 * i + 1))
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


@numba.njit(cache=True)
def _poisson_one(lam: float, key: np.uint64, slot: np.uint64) -> float:
    """Poisson draw from the sub-stream `slot` of `key`: inversion below 30, normal approximation above."""
    if lam <= 0.0:
        return 0.0
    base = slot * np.uint64(64)
    if lam < 30.0:
        u = unit(key, base)
        k = 0.0
        p = np.exp(-lam)
        cdf = p
        while u > cdf and k < 1000.0:
            k += 1.0
            p *= lam / k
            cdf += p
        return k
    u1 = 1.0 - unit(key, base)
    u2 = unit(key, base + np.uint64(1))
    z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    return max(0.0, np.floor(lam + np.sqrt(lam) * z + 0.5))


@numba.njit(cache=True)
def _gamma_one(shape: float, key: np.uint64, slot: np.uint64) -> float:
    """Gamma(shape, 1) by Marsaglia-Tsang; extra uniforms for rejections come from the same sub-stream."""
    boost = 1.0
    a = shape
    base = slot * np.uint64(64) + np.uint64(32)
    c = np.uint64(0)
    if a < 1.0:
        boost = unit(key, base) ** (1.0 / a)
        c += np.uint64(1)
        a += 1.0
    d = a - 1.0 / 3.0
    cc = 1.0 / np.sqrt(9.0 * d)
    for _ in range(15):
        u1 = 1.0 - unit(key, base + c)
        u2 = unit(key, base + c + np.uint64(1))
        u3 = unit(key, base + c + np.uint64(2))
        c += np.uint64(3)
        x = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
        v = (1.0 + cc * x) ** 3
        if v > 0.0 and np.log(1.0 - u3 + 1e-300) < 0.5 * x * x + d - d * v + d * np.log(v):
            return d * v * boost
    return d * boost  # after 15 rejections (probability < 1e-15) fall back to the mean-like value


@numba.njit(cache=True)
def _negbin_one(mu: float, size: float, key: np.uint64, slot: np.uint64) -> float:
    """Negative-binomial draw (gamma-Poisson mixture) from the sub-stream `slot` of `key`."""
    if mu <= 0.0:
        return 0.0
    return _poisson_one(_gamma_one(size, key, slot) * mu / size, key, slot)


# ------------------------------------------------------------------ draws inside the model, by mode
@numba.njit(cache=True)
def draw_uniform(draws: Draws, key: np.uint64, index: int) -> float:
    """Uniform [0, 1) number `index` of the stream."""
    if draws.central:
        return draws.uniform
    return unit(key, np.uint64(index))


@numba.njit(cache=True)
def draw_normal(draws: Draws, key: np.uint64, index: int) -> float:
    """Standard normal number `index` of the stream (0 in central mode)."""
    if draws.central:
        return 0.0
    return _normal_one(key, index)


@numba.njit(cache=True)
def draw_poisson(draws: Draws, lam: float, key: np.uint64, slot: int) -> float:
    """Poisson count with mean `lam` from the sub-stream `slot` (the mean itself in central mode)."""
    if draws.central:
        return lam
    return _poisson_one(lam, key, np.uint64(slot))


@numba.njit(cache=True)
def draw_negative_binomial(draws: Draws, mu: float, size: float, key: np.uint64, slot: int) -> float:
    """Negative-binomial count with mean `mu` and size `size` from the sub-stream `slot` (`mu` in central mode)."""
    if draws.central:
        return mu
    return _negbin_one(mu, size, key, np.uint64(slot))


# ------------------------------------------------------------------ whole arrays of the streams, from Python
@numba.njit(cache=True)
def _keys(seed: int, runs: np.ndarray, month: int, purpose: int) -> np.ndarray:
    out = np.empty(runs.shape[0], dtype=np.uint64)
    for r in range(runs.shape[0]):
        out[r] = stream_key(seed, runs[r], month, purpose)
    return out


@numba.njit(cache=True)
def _uniform_matrix(keys: np.ndarray, n: int) -> np.ndarray:
    out = np.empty((keys.shape[0], n))
    for r in range(keys.shape[0]):
        for i in range(n):
            out[r, i] = unit(keys[r], np.uint64(i))
    return out


@numba.njit(cache=True)
def _normal_matrix(keys: np.ndarray, n: int) -> np.ndarray:
    out = np.empty((keys.shape[0], n))
    for r in range(keys.shape[0]):
        for i in range(n):
            out[r, i] = _normal_one(keys[r], i)
    return out


@numba.njit(cache=True)
def _poisson_matrix(lam: np.ndarray, keys: np.ndarray) -> np.ndarray:
    runs, n = lam.shape
    out = np.empty_like(lam)
    for r in range(runs):
        for i in range(n):
            out[r, i] = _poisson_one(lam[r, i], keys[r], np.uint64(i))
    return out


@numba.njit(cache=True)
def _negbin_matrix(mu: np.ndarray, size: float, keys: np.ndarray) -> np.ndarray:
    runs, n = mu.shape
    out = np.empty_like(mu)
    for r in range(runs):
        for i in range(n):
            out[r, i] = _negbin_one(mu[r, i], size, keys[r], np.uint64(i))
    return out


def stream_keys(seed: int, runs: np.ndarray, month: int, purpose: int) -> np.ndarray:
    """One 64-bit key per run for this month and purpose."""
    return _keys(int(seed), np.asarray(runs, dtype=np.int64), int(month), int(purpose))


def uniforms(seed: int, runs: np.ndarray, month: int, purpose: int, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform [0, 1) draws of shape (runs, *shape); entry [r, i...] depends only on (seed, run, month, purpose, i)."""
    keys = stream_keys(seed, runs, month, purpose)
    n = int(np.prod(shape)) if shape else 1
    return _uniform_matrix(keys, n).reshape((len(keys), *shape))


def normals(seed: int, runs: np.ndarray, month: int, purpose: int, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal draws (Box-Muller on uniforms 2i and 2i + 1 of the stream)."""
    keys = stream_keys(seed, runs, month, purpose)
    n = int(np.prod(shape)) if shape else 1
    return _normal_matrix(keys, n).reshape((len(keys), *shape))


def poisson(seed: int, runs: np.ndarray, month: int, purpose: int, lam: np.ndarray) -> np.ndarray:
    """Poisson counts with means `lam` (runs, ...): counter-based, so independent of batching."""
    keys = stream_keys(seed, runs, month, purpose)
    flat = np.ascontiguousarray(lam, dtype=np.float64).reshape(len(keys), -1)
    return _poisson_matrix(flat, keys).reshape(np.shape(lam))


def negative_binomial(seed: int, runs: np.ndarray, month: int, purpose: int, mu: np.ndarray, size: float) -> np.ndarray:
    """Negative-binomial counts with means `mu` and size `size` (gamma-Poisson mixture)."""
    keys = stream_keys(seed, runs, month, purpose)
    flat = np.ascontiguousarray(mu, dtype=np.float64).reshape(len(keys), -1)
    return _negbin_matrix(flat, float(size), keys).reshape(np.shape(mu))
