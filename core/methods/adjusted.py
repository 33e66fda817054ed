"""Metropolis-adjusted samplers: MALA (sheet §1.16) and minibatch Metropolis–Hastings (sheet §1.13).

Both sample π(x) ∝ exp(−f(x)/T) on the domain box. As in ``core.methods.sampling``, a proposal that
leaves the box is rejected, which keeps detailed balance for the target restricted to the box; so is a
proposal whose value (or, for MALA, gradient) is NaN or infinite. A rejected move repeats x.

**MALA** is exactly the sheet's rule: the Langevin step of §1.9 is the proposal and the
Metropolis–Hastings test makes exp(−f/T) exactly stationary for any η. It uses a fixed η (no schedule).
Its tests (``tests/core/test_adjusted_methods.py``) compare the final points of independent chains
with exp(−f/T) by the one-sample Kolmogorov–Smirnov statistic D, which must stay below 1.95/√n
(the asymptotic critical value at α = 0.001).

**Minibatch MH** follows Seita et al. [MMH]. Its target is exp(−L/T) with L the landscape's full-data
loss, the MEAN of the per-sample losses ℓᵢ = ½(model(θ, xᵢ) − yᵢ)² (as ``value_fn``; the sheet writes the
sum, which is the same target at n times the temperature). Each step proposes θ' = θ + σξ and runs
Barker's test, accept iff Δ + X_log > 0 with Δ = −(L(θ') − L(θ))/T and X_log ~ Logistic(0, 1), estimated
on a minibatch of b samples drawn without replacement: Δ* = the mean of Δᵢ = −(ℓᵢ(θ') − ℓᵢ(θ))/T over
the batch, with the variance estimate σ² = var(Δᵢ)/b·(1 − b/n) (finite-population correction). While
σ² ≥ 1 (the paper's condition) the batch is doubled, the new samples added to the old ones, up to b = n.
With σ² < 1 and b < n it accepts iff Δ* + X_corr > 0 with X_corr ~ N(0, 1.702² − σ²).

*Stated deviation* (the sheet's "app simplification"): Logistic(0, 1) ≈ N(0, 1.702²), the classical CDF
match, stands in for the paper's tabulated correction distribution, so the minibatch test is
**approximate**: its stationary law is close to, not exactly, exp(−L/T). With b = n, Δ* = Δ and the test
is Barker's exact one. On a landscape without samples (a formula) there is no minibatch: the method runs
the exact Barker test on f.
"""

from __future__ import annotations

import numpy as np

from core.landscape import Landscape
from core.landscapes.data import DataLandscape
from core.methods.base import Method, inside_box, lr_param, patience_param
from core.params import ParamSpec

LOGISTIC_SCALE = 1.702  # Logistic(0, 1) ≈ N(0, 1.702²): the sheet's app simplification of [MMH]
MAX_TEST_ELEMENTS = 5_000_000  # (run, sample) pairs one chunk of minibatch tests may hold at once

_TEMPERATURE = "Temperature T of the target exp(−f/T)"


# ---- MALA ---------------------------------------------------------------------------------------------
def mala_log_ratio(
    x: np.ndarray,
    g: np.ndarray,
    f: np.ndarray,
    proposal: np.ndarray,
    g_new: np.ndarray,
    f_new: np.ndarray,
    lr: float,
    temperature: float,
) -> np.ndarray:
    """log α = −(f(x') − f(x))/T + log q(x|x') − log q(x'|x), with log q(b|a) = −‖b − a + η∇f(a)‖²/(4ηT)
    (sheet §1.16), for each row; T > 0. NaN or ±inf where the numbers overflow (never a warning)."""
    with np.errstate(all="ignore"):
        back = np.sum((x - proposal + lr * g_new) ** 2, axis=1)  # ‖x − x' + η∇f(x')‖²
        forth = np.sum((proposal - x + lr * g) ** 2, axis=1)  # ‖x' − x + η∇f(x)‖²
        return -(f_new - f) / temperature - (back - forth) / (4.0 * lr * temperature)


class MALA(Method):
    """Metropolis-adjusted Langevin (sheet §1.16): a Langevin proposal and a Metropolis–Hastings test.

    exp(−f/T) is exactly stationary for any η (unadjusted Langevin's law is biased by O(η)); T = 0
    accepts only steps that do not increase f: GD with rejected overshoots. Checked by the one-sample
    KS statistic of independent chains against exp(−f/T), D < 1.95/√n (α = 0.001), and by the sheet's
    variance 1 on f = x²/2, T = 1, η = 0.5.
    """

    id = "mala"
    name = "MALA (Langevin + MH)"
    description = (
        "Metropolis-adjusted Langevin: the Langevin step is a proposal that a Metropolis–Hastings test "
        "accepts or refuses, so exp(−f/T) is exactly stationary for any η (unadjusted Langevin is biased "
        "by O(η)). A fixed η (no schedule). T = 0 accepts only steps that do not increase f: GD with "
        "rejected overshoots. Proposals outside the domain are rejected; a rejected move repeats x."
    )
    rule = (
        "x' = x − η∇f(x) + √(2ηT) ξ;  log q(b | a) = −‖b − a + η∇f(a)‖² / (4ηT);  "
        "log α = −(f(x') − f(x))/T + log q(x | x') − log q(x' | x);  "
        "accept with probability min(1, e^{log α}), else repeat x"
    )
    uses_schedule = False
    stochastic = True
    convergence = "patience"
    extras = ("temperatures", "accepted")
    own_params = (
        lr_param(0.05, "Step size η of the Langevin proposal (fixed: no schedule)"),
        ParamSpec(
            "temperature",
            "float",
            0.3,
            f"{_TEMPERATURE}; T = 0 accepts only steps that do not increase f",
            0.0,
            1e4,
        ),
        patience_param(),
    )

    def init(self, x0: np.ndarray, land: Landscape, p: dict, rng: np.random.Generator) -> dict:
        with np.errstate(all="ignore"):
            return {"f": land.value_fn(x0), "g": land.grad_fn(x0)}

    def step(self, x, state, t, lr, land, p, rng):
        temperature = p["temperature"]
        f, g = state["f"], state["g"]
        with np.errstate(all="ignore"):
            proposal = x - lr * g
            if temperature > 0:
                proposal += np.sqrt(2.0 * lr * temperature) * rng.standard_normal(x.shape)
            ok = inside_box(proposal, land.lower, land.upper)
            safe = np.where(ok[:, None], proposal, x)
            f_new, g_new = land.value_fn(safe), land.grad_fn(safe)
            ok &= np.isfinite(f_new) & np.isfinite(g_new).all(axis=1)
            if temperature > 0:
                log_u = np.log(rng.random(x.shape[0]))
                log_alpha = mala_log_ratio(x, g, f, proposal, g_new, f_new, lr, temperature)
                accept = ok & (log_u < log_alpha)  # NaN refuses
            else:
                accept = ok & (f_new <= f)
        x[accept] = proposal[accept]
        state["f"] = np.where(accept, f_new, f)
        state["g"] = np.where(accept[:, None], g_new, g)
        state["extras"] = {"temperatures": np.full(x.shape[0], temperature), "accepted": accept}
        return x


# ---- minibatch Metropolis–Hastings --------------------------------------------------------------------
def barker_accept(delta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Barker's test: accept iff Δ + X_log > 0, X_log ~ Logistic(0, 1), i.e. with probability
    1/(1 + e^{−Δ}); a NaN Δ is refused."""
    return delta + rng.logistic(size=delta.shape) > 0


def exact_log_ratio(land: Landscape, x: np.ndarray, proposal: np.ndarray, temperature: float) -> np.ndarray:
    """Δ = −(f(x') − f(x))/T for each row, on the full data (NaN where the values overflow)."""
    with np.errstate(all="ignore"):
        return -(land.value_fn(proposal) - land.value_fn(x)) / temperature


def later_repeats(idx: np.ndarray) -> np.ndarray:
    """Which entries of each row repeat a value found earlier in that row (the first stays unmarked)."""
    order = np.argsort(idx, axis=1, kind="stable")  # equal values keep their order
    ordered = np.take_along_axis(idx, order, axis=1)
    repeats = np.zeros(idx.shape, dtype=bool)
    repeats[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
    out = np.empty_like(repeats)
    np.put_along_axis(out, order, repeats, axis=1)
    return out


def draw_more(rng: np.random.Generator, n: int, taken: np.ndarray, count: int) -> np.ndarray:
    """``count`` more sample indices for each row of ``taken`` (rows, b): distinct, none in the row's
    ``taken``, a uniformly random subset of the rest of ``range(n)``; shape (rows, count).

    Up to an eighth of the samples: draws with replacement and redraws the repeats (only equality is
    looked at, so every subset is equally likely), about O(rows·count); beyond (where that needs many
    rounds): the indices of the smallest of n random keys per row, O(rows·n)."""
    rows, b = taken.shape
    if 8 * (b + count) > n:
        bits = max(1, (n - 1).bit_length())  # a key is (random << bits) | index: sorting keys sorts both
        keys = (rng.integers(1, 2 ** (62 - bits), size=(rows, n)) << bits) | np.arange(n)
        np.put_along_axis(keys, taken, taken, axis=1)  # random part 0: the taken ones come first
        head = np.sort(np.partition(keys, b + count - 1, axis=1)[:, : b + count], axis=1)
        return head[:, b:] & ((1 << bits) - 1)
    idx = np.concatenate([taken, rng.integers(0, n, size=(rows, count))], axis=1)
    left = np.arange(rows)
    while left.size:
        redo = later_repeats(idx[left])  # never in ``taken``: its values are distinct and come first
        hit = redo.any(axis=1)
        left, redo = left[hit], redo[hit]
        part = idx[left]
        part[redo] = rng.integers(0, n, size=int(redo.sum()))
        idx[left] = part
    return idx[:, b:]


def batch_estimate(terms: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Δ* = the mean of each row's b terms Δᵢ, and its variance estimate σ² = var(Δᵢ)/b·(1 − b/n)
    (unbiased sample variance; finite-population correction). σ² is inf for b = 1 (not estimable)."""
    b = terms.shape[1]
    with np.errstate(all="ignore"):
        estimate = terms.mean(axis=1)
        if b < 2:
            return estimate, np.full(terms.shape[0], np.inf)
        return estimate, terms.var(axis=1, ddof=1) / b * (1.0 - b / n)


def minibatch_test(
    land: DataLandscape,
    x: np.ndarray,
    proposal: np.ndarray,
    temperature: float,
    first_batch: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Minibatch Barker tests of moving each row of ``x`` to ``proposal`` (see the module docstring):
    whether each is accepted, and the number of samples its test used (n: the exact test)."""
    m, n = x.shape[0], land.n_samples
    accept, used = np.zeros(m, dtype=bool), np.zeros(m, dtype=int)
    pending = np.arange(m)
    idx, terms = np.empty((m, 0), dtype=np.intp), np.empty((m, 0))
    b = min(first_batch, n)
    while pending.size:
        if b >= n:  # every sample: Δ* = Δ, Barker's exact test
            delta = exact_log_ratio(land, x[pending], proposal[pending], temperature)
            accept[pending] = barker_accept(delta, rng)
            used[pending] = n
            break
        new = draw_more(rng, n, idx, b - idx.shape[1])
        with np.errstate(all="ignore"):
            diff = land.sample_losses(proposal[pending], new) - land.sample_losses(x[pending], new)
            terms = np.concatenate([terms, -diff / temperature], axis=1)
        idx = np.concatenate([idx, new], axis=1)
        estimate, variance = batch_estimate(terms, n)
        ready = variance < 1.0  # NaN (overflow) asks for more data
        if ready.any():
            spread = np.sqrt(LOGISTIC_SCALE**2 - variance[ready])
            x_corr = spread * rng.standard_normal(int(ready.sum()))
            accept[pending[ready]] = estimate[ready] + x_corr > 0
            used[pending[ready]] = b
        pending, idx, terms = pending[~ready], idx[~ready], terms[~ready]
        b = min(2 * b, n)
    return accept, used


class MinibatchMH(Method):
    """Minibatch Metropolis–Hastings [MMH] with the sheet's approximate correction (module docstring)."""

    id = "minibatch-mh"
    name = "Minibatch MH"
    description = (
        "Minibatch Metropolis–Hastings (Seita et al.): a random-walk proposal and Barker's acceptance test, "
        "estimated on a minibatch of the data samples (doubled while the estimate's variance σ² ≥ 1); "
        "samples exp(−L/T), L the mean loss. Approximate: the correction noise is N(0, 1.702² − σ²) "
        "(Logistic ≈ N(0, 1.702²), the sheet's simplification), not the paper's tabulated one; with every "
        "sample in the batch, and on formula landscapes (no samples), the test is Barker's exact one. "
        "Proposals outside the domain are rejected; a rejected move repeats x."
    )
    rule = (
        "θ' = θ + σξ;  Δ_i = −(ℓ_i(θ') − ℓ_i(θ))/T over b of the n samples, drawn without replacement;  "
        "Δ* = mean Δ_i,  σ² = var(Δ_i)/b · (1 − b/n);  while σ² ≥ 1 and b < n: double b;  "
        "accept iff Δ* + X > 0,  X ~ N(0, 1.702² − σ²) (approximate);  "
        "b = n: Δ* = Δ,  X ~ Logistic(0, 1) (the exact Barker test)"
    )
    uses_schedule = False
    stochastic = True
    convergence = "patience"
    extras = ("temperatures", "accepted", "batch_sizes")
    own_params = (
        ParamSpec(
            "temperature",
            "float",
            0.05,
            "Temperature T > 0 of the target exp(−L/T), L the mean loss over the samples",
            1e-9,
            1e6,
            log=True,
        ),
        ParamSpec("sigma", "float", 0.1, "Proposal step σ (aim for 20–50 % acceptance)", 1e-9, 1e4, log=True),
        ParamSpec(
            "mh_batch",
            "int",
            20,
            "First minibatch size b of each test, doubled while σ² ≥ 1 (b ≥ the sample count: exact test)",
            1,
            1_000_000,
        ),
        patience_param(),
    )

    def step(self, x, state, t, lr, land, p, rng):
        temperature = p["temperature"]
        proposal = x + p["sigma"] * rng.standard_normal(x.shape)
        rows = np.flatnonzero(inside_box(proposal, land.lower, land.upper))
        accept, used = np.zeros(x.shape[0], dtype=bool), np.zeros(x.shape[0])
        if isinstance(land, DataLandscape):
            size = max(1, MAX_TEST_ELEMENTS // land.n_samples)  # bounds the memory of one test chunk
            for start in range(0, rows.size, size):
                part = rows[start : start + size]
                accept[part], used[part] = minibatch_test(
                    land, x[part], proposal[part], temperature, p["mh_batch"], rng
                )
        else:
            accept[rows] = barker_accept(exact_log_ratio(land, x[rows], proposal[rows], temperature), rng)
        x[accept] = proposal[accept]
        state["extras"] = {
            "temperatures": np.full(x.shape[0], temperature),
            "accepted": accept,
            "batch_sizes": used,  # 0: no samples used (outside the box, or a formula: exact test on f)
        }
        return x
