"""Zero-delay Wyner–Ziv coding of a Gauss–Markov source: predictive coset quantization, designed from data.

The setting of Domanovitz, Severo, Khisti and Yu (ICASSP 2022), on the coding structure of Tuncel (2004)
and Chen and Tuncel (2011): a unit-variance Gauss–Markov source and a noisy copy of it at the decoder,

    X_t = a X_{t−1} + √(1 − a²) U_t,    Y_t = X_t + Z_t,    U_t ~ N(0, 1), Z_t ~ N(0, σ_z²) i.i.d.,

coded sample by sample: the encoder sends X_t's bits before it sees X_{t+1}; the decoder outputs X̂_t from
the bits so far and Y_1 … Y_t.

**The codec** (:func:`simulate`). Both ends keep a state x̃_{t−1} and predict p_t = a x̃_{t−1}. The encoder
quantizes the innovation e_t = X_t − p_t with a uniform quantizer of step Δ, q_t = round(e_t / Δ), and sends
the coset index k_t = q_t mod M with a prefix code (:mod:`wzcore.prefix_code`: zero delay rules out block
entropy coders). The decoder forms v_t = Y_t − p_t = e_t + Z_t, models e_t ~ N(0, s²) (N(0, 1) at t = 1,
where there is nothing to predict from) so that
e_t | v_t ~ N(m_t, w) with m_t = v_t s²/(s² + σ_z²), w = s²σ_z²/(s² + σ_z²), decides q̂_t = the index of coset
k_t nearest to m_t (the most probable one: the cells are equally wide and the posterior unimodal), and
outputs X̂_t = p_t + E[e_t | e_t in a cell of coset k_t, v_t] over the five cells of the coset nearest to m_t.
Both ends then set x̃_t = p_t + Δ q_t (the encoder with q_t, the decoder with q̂_t). While every q̂_t = q_t
the two states agree; a wrong decision (a *bin error*) desynchronises them until the prediction a < 1 lets
the difference decay, and the simulation tracks both states, so its cost is in the measured distortion.

**Two designs of (Δ, M, s²)** for a Lagrangian J = R + λ D, R the prefix code's bits per sample. Both know
the model's a and σ_z² (the predictor and the decoder's posterior use them); what they find from training
sequences is the quantizer (Δ, M) and the innovation variance s² its closed loop produces. That variance
depends on Δ alone (the encoder's state is p_t + Δ q_t whatever M and s² are), so it is measured once per Δ
(:func:`innovation_variance`), and every design is run with its decoder on its own measured s².

- :func:`design_exhaustive`: every (Δ, M) of a grid run in closed loop on the training sequences, the
  least measured J kept — the reference, at the cost of a closed-loop run per grid point (plus one per Δ);
- :func:`design_iterative`: an iterative design from data — start where a model says (the unquantized
  innovation variance of the training data, and the (Δ, M) that is optimal for a memoryless innovation of
  that variance, exactly, by quadrature), then descend on the *measured* closed-loop J over neighbouring
  grid points. A few dozen closed-loop runs instead of one per grid point; the runs see what the model
  cannot, the cost of a bin error in closed loop.

**A bound.** Give both ends the past X_1 … X_{t−1} (a genie): what remains to code is U_t with Y_t, a
quadratic-Gaussian Wyner–Ziv problem with Var(X_t | X_{t−1}, Y_t) = (1 − a²)σ_z² / (1 − a² + σ_z²) (Z is
i.i.d. and the encoder does not see Y). With R the expected codeword length per sample, H(B_t | past) ≥
½ log(V/D_t) at each t, and ½ log(V/D) is convex in D, so averaged over t no causal code beats
D(R) = Var(X_t | X_{t−1}, Y_t)·2^{−2R} (:meth:`GaussMarkovSI.genie_mse`; at t = 1 the true conditional
variance is larger, which only loosens it). The Wyner–Ziv bound of an i.i.d. source with the same marginal,
a code that ignores the memory, is Var(X_t | Y_t)·2^{−2R}.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wzcore import coding, quantization, validate
from wzcore.bounds import entropy
from wzcore.prefix_code import PrefixCode

__all__ = ["Design", "GaussMarkovSI", "ZeroDelayPoint", "ZeroDelayRun", "design_exhaustive", "design_iterative",
           "design_memoryless", "evaluate", "innovation_variance", "lagrangian_gap", "model_fit", "simulate"]

_CANDIDATES = np.arange(-2, 3)  # the decoder's cells of coset k: the nearest to m_t and two either side


@dataclass(frozen=True)
class GaussMarkovSI:
    """X_t = a X_{t−1} + √(1 − a²) U_t (stationary, unit variance), Y_t = X_t + Z_t, Z_t ~ N(0, var_z)."""

    a: float
    var_z: float

    def __post_init__(self) -> None:
        validate.interval("a", self.a, 0.0, 1.0, open_high=True)
        validate.positive("var_z", self.var_z)

    def sample(self, n_seq: int, T: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(x, y), each (n_seq, T): independent stationary sequences of length T."""
        n_seq, T, rng = validate.integer("n_seq", n_seq), validate.integer("T", T, low=2), validate.rng(rng)
        u = rng.standard_normal((n_seq, T))
        x = np.empty((n_seq, T))
        x[:, 0] = u[:, 0]
        s = np.sqrt(1 - self.a**2)
        for t in range(1, T):
            x[:, t] = self.a * x[:, t - 1] + s * u[:, t]
        return x, x + np.sqrt(self.var_z) * rng.standard_normal((n_seq, T))

    @property
    def genie_cond_var(self) -> float:
        """Var(X_t | X_{t−1}, Y_t) = (1 − a²)σ_z² / (1 − a² + σ_z²)."""
        v = 1 - self.a**2
        return v * self.var_z / (v + self.var_z)

    @property
    def memoryless_cond_var(self) -> float:
        """Var(X_t | Y_t) = σ_z² / (1 + σ_z²): what is left when the memory is ignored."""
        return self.var_z / (1 + self.var_z)

    def genie_mse(self, rate: object) -> np.ndarray:
        """The genie-aided Wyner–Ziv bound D(R) = Var(X_t | X_{t−1}, Y_t)·2^{−2R}: no causal code does better."""
        r = np.asarray(rate, dtype=float)
        if not np.all(np.isfinite(r)) or np.any(r < 0):
            raise ValueError("rate must be finite and >= 0")
        return self.genie_cond_var * 2.0 ** (-2 * r)


@dataclass(frozen=True)
class Design:
    """A zero-delay predictive coset quantizer: step Δ, M cosets, the decoder's innovation variance s²,
    and whether it predicts (``predict=False``: p_t = 0, the memoryless coset quantizer of chapter 2)."""

    step: float
    M: int
    var_e: float
    predict: bool = True

    def __post_init__(self) -> None:
        validate.positive("step", self.step)
        validate.integer("M", self.M, low=2)
        validate.positive("var_e", self.var_e)


@dataclass(frozen=True)
class ZeroDelayRun:
    """Closed-loop runs of G designs on (n_seq, T) sequences: indices k (G, n_seq, T), reconstructions, the
    per-design MSE, measured innovation variance Var(e) (steady state: t ≥ 2) and bin-error rate P(q̂ ≠ q)."""

    k: np.ndarray
    x_hat: np.ndarray
    mse: np.ndarray
    var_e: np.ndarray
    bin_errors: np.ndarray


def simulate(designs: Sequence[Design], src: GaussMarkovSI, x: np.ndarray, y: np.ndarray) -> ZeroDelayRun:
    """Run every design in closed loop on the same sequences (vectorised over designs and sequences)."""
    if not designs:
        raise ValueError("designs must not be empty")
    x, y = _check_xy(x, y)
    col = lambda v: np.asarray(v, dtype=float)[:, None]  # noqa: E731
    step, M = col([d.step for d in designs]), col([d.M for d in designs])
    s2 = col([d.var_e for d in designs])
    a = col([src.a if d.predict else 0.0 for d in designs])
    G, (n, T) = len(designs), x.shape
    if T < 2:
        raise ValueError(f"sequences must have T >= 2 samples, got {T}")
    st_enc, st_dec = np.zeros((G, n)), np.zeros((G, n))
    k_all, xh_all = np.empty((G, n, T), dtype=np.int64), np.empty((G, n, T))
    e_sq, errors = np.zeros(G), np.zeros(G)
    for t in range(T):
        var_t = np.where(a > 0, 1.0, s2) if t == 0 else s2  # nothing to predict from at t = 0: e_0 = X_0
        gain, w = var_t / (var_t + src.var_z), var_t * src.var_z / (var_t + src.var_z)
        p_enc, p_dec = a * st_enc, a * st_dec
        e = x[None, :, t] - p_enc
        q = quantization.uniform_index(e, step)
        k = np.mod(q, M)
        m = gain * (y[None, :, t] - p_dec)
        q_hat = k + M * np.round((m / step - k) / M)
        cells = q_hat[..., None] + M[..., None] * _CANDIDATES
        log_p, mean = quantization.gaussian_cell_moments((cells - 0.5) * step[..., None],
                                                        (cells + 0.5) * step[..., None], m[..., None],
                                                        np.sqrt(w)[..., None])
        wts = np.exp(log_p - log_p.max(axis=-1, keepdims=True))
        xh_all[:, :, t] = p_dec + (wts * mean).sum(axis=-1) / wts.sum(axis=-1)
        k_all[:, :, t] = k.astype(np.int64)
        st_enc, st_dec = p_enc + step * q, p_dec + step * q_hat
        if t:
            e_sq += (e**2).sum(axis=1)
        errors += (q_hat != q).sum(axis=1)
    mse = ((xh_all - x[None]) ** 2).mean(axis=(1, 2))
    return ZeroDelayRun(k=k_all, x_hat=xh_all, mse=mse, var_e=e_sq / (n * (T - 1)),
                        bin_errors=errors / (n * T))


def _check_xy(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape != y.shape or x.shape[1] < 2:
        raise ValueError(f"x and y must be (n_seq, T >= 2) arrays of one shape, got {x.shape} and {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    return x, y


def _check_grid(steps: Sequence[float], Ms: Sequence[int]) -> tuple[list[float], list[int]]:
    """The (Δ, M) grid: steps strictly increasing and > 0, Ms strictly increasing integers >= 2."""
    st, ms = [float(v) for v in steps], [int(m) for m in Ms]
    if not st or st[0] <= 0 or np.any(np.diff(st) <= 0):
        raise ValueError(f"steps must be a non-empty, strictly increasing sequence of numbers > 0, got {steps!r}")
    if not ms or ms[0] < 2 or np.any(np.diff(ms) <= 0):
        raise ValueError(f"Ms must be a non-empty, strictly increasing sequence of integers >= 2, got {Ms!r}")
    return st, ms


def innovation_variance(steps: Sequence[float], src: GaussMarkovSI, x: np.ndarray, y: np.ndarray,
                        predict: bool = True) -> dict[float, float]:
    """Δ -> E[e_t²] (t ≥ 2) of the closed loop with step Δ on (x, y): one run per Δ (M and the decoder's s²
    do not change the encoder's states, so they do not change e)."""
    designs = [Design(float(st), 2, 1.0, predict) for st in steps]
    return {d.step: float(v) for d, v in zip(designs, simulate(designs, src, x, y).var_e, strict=True)}


def _index_pmf(k: np.ndarray, M: int) -> np.ndarray:
    """Training pmf of the coset index, counts + 1/2 (every index gets a codeword)."""
    c = np.bincount(k.ravel(), minlength=M) + 0.5
    return c / c.sum()


def _lagrangian(run: ZeroDelayRun, designs: Sequence[Design], lam: float) -> np.ndarray:
    """J = R + λ D per design, R the expected length of the prefix code fitted to the run's indices."""
    rate = np.array([PrefixCode(p := _index_pmf(run.k[g], d.M)).expected_length(p)
                     for g, d in enumerate(designs)])
    return rate + lam * run.mse


def design_exhaustive(src: GaussMarkovSI, lam: float, steps: Sequence[float], Ms: Sequence[int],
                      x: np.ndarray, y: np.ndarray, predict: bool = True) -> tuple[Design, int]:
    """The grid design of least measured J = R + λ D on the training sequences (x, y), each run with its
    decoder on its Δ's measured innovation variance; returns (design, closed-loop runs it took: one per
    grid point plus one per Δ)."""
    validate.positive("lam", lam)
    steps, Ms = _check_grid(steps, Ms)
    s2 = innovation_variance(steps, src, x, y, predict)
    grid = [Design(st, m, s2[st], predict) for m in Ms for st in steps]
    cost = np.concatenate([_lagrangian(simulate(c, src, x, y), c, lam) for c in _chunks(grid)])
    return grid[int(np.argmin(cost))], len(grid) + len(steps)


def _chunks(designs: list[Design], size: int = 64) -> list[list[Design]]:
    """Designs in groups whose closed-loop runs fit in memory together."""
    return [designs[i:i + size] for i in range(0, len(designs), size)]


def model_fit(var_e: float, var_z: float, lam: float, steps: Sequence[float], Ms: Sequence[int]
              ) -> tuple[float, int]:
    """(Δ, M) minimising the *model* Lagrangian of a memoryless innovation e ~ N(0, var_e) with side
    information e + N(0, var_z): the prefix code's expected length on the exact index pmf plus λ times the
    exact MSE of MMSE coset decoding (:func:`wzcore.quantization.coset_exact`, quadrature; no simulation)."""
    validate.positive("var_e", var_e)
    validate.positive("var_z", var_z)
    validate.positive("lam", lam)
    steps, Ms = _check_grid(steps, Ms)
    best, best_j = (steps[0], Ms[0]), np.inf
    for m in Ms:
        for st in steps:
            pmf = quantization.CosetQuantizer(st, m).index_pmf(0.0, var_e)
            j = PrefixCode(pmf).expected_length(pmf) + lam * quantization.coset_exact(st, m, var_e, var_z).mse
            if j < best_j:
                best, best_j = (st, m), j
    return best


def design_iterative(src: GaussMarkovSI, lam: float, steps: Sequence[float], Ms: Sequence[int],
                     x: np.ndarray, y: np.ndarray, max_iter: int = 50) -> tuple[Design, int]:
    """The iterative design from data (module docstring): a model start, then a descent on the measured
    closed-loop Lagrangian J = R + λ D over the (Δ, M) grid.

    Start: s² = the training data's one-step prediction error, X_t − â X_{t−1} (â by least squares), and
    (Δ, M) = :func:`model_fit` for e ~ N(0, s²) — exact, no simulation, but blind to what a bin error costs
    in closed loop. Then, until no neighbour improves: run the current design's grid neighbours (Δ one grid
    step finer or coarser, M one more or one fewer) in closed loop, each with its decoder on its Δ's measured
    innovation variance (:func:`innovation_variance`, measured once per Δ), and move to the one of least
    measured J. Returns the design and the number of closed-loop runs it took (designs plus Δ measurements);
    RuntimeError after ``max_iter`` moves."""
    validate.positive("lam", lam)
    validate.integer("max_iter", max_iter)
    steps, Ms = _check_grid(steps, Ms)
    x, y = _check_xy(x, y)
    denom = float(np.sum(x[:, :-1] ** 2))
    if denom == 0:
        raise ValueError("x must not be all zeros")
    a_hat = float(np.sum(x[:, 1:] * x[:, :-1])) / denom
    step, M = model_fit(float(np.mean((x[:, 1:] - a_hat * x[:, :-1]) ** 2)), src.var_z, lam, steps, Ms)
    s2: dict[float, float] = {}

    def run(cells: list[tuple[int, int]]) -> np.ndarray:
        new = [steps[i] for i in sorted({i for i, _ in cells}) if steps[i] not in s2]
        if new:
            s2.update(innovation_variance(new, src, x, y))
        designs = [Design(steps[i], Ms[j], s2[steps[i]]) for i, j in cells]
        return _lagrangian(simulate(designs, src, x, y), designs, lam)

    here = (steps.index(step), Ms.index(M))
    best_j, seen = float(run([here])[0]), {here}
    n_runs = 1
    for _ in range(max_iter):
        i, j = here
        moves = [(i + di, j + dj) for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1))
                 if 0 <= i + di < len(steps) and 0 <= j + dj < len(Ms) and (i + di, j + dj) not in seen]
        if moves:
            seen.update(moves)
            cost = run(moves)
            n_runs += len(moves)
            g = int(np.argmin(cost))
        if not moves or cost[g] >= best_j:
            return Design(steps[here[0]], Ms[here[1]], s2[steps[here[0]]]), n_runs + len(s2)
        here, best_j = moves[g], float(cost[g])
    raise RuntimeError(f"the iterative design did not settle in {max_iter} moves")


def design_memoryless(src: GaussMarkovSI, lam: float, steps: Sequence[float], Ms: Sequence[int]) -> Design:
    """The coset quantizer that ignores the memory (p_t = 0, e_t = X_t ~ N(0, 1)): chapter 2's design, fitted
    exactly by :func:`model_fit`."""
    step, M = model_fit(1.0, src.var_z, lam, steps, Ms)
    return Design(step, M, 1.0, predict=False)


@dataclass(frozen=True)
class ZeroDelayPoint:
    """A design evaluated on test sequences with real bits: ``rate_real`` = the ``"HF"`` stream's bits per
    sample (framing and padding included), ``rate_code`` = the codewords alone, ``rate_ideal`` = H(K) of the
    test indices, ``mse``, ``bin_errors``; ``exact`` = the stream decoded to the sent indices;
    ``seq_bits``/``seq_mse``: codeword bits per sample and MSE of each test sequence (for standard errors)."""

    design: Design
    rate_real: float
    rate_code: float
    rate_ideal: float
    mse: float
    bin_errors: float
    exact: bool
    seq_bits: np.ndarray
    seq_mse: np.ndarray
    test_id: str

    @property
    def mse_db(self) -> float:
        return float(10 * np.log10(self.mse))

    def lagrangian(self, lam: float) -> float:
        """J = R + λ D with R the codewords' bits per sample."""
        return self.rate_code + lam * self.mse


def evaluate(design: Design, src: GaussMarkovSI, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
             y_test: np.ndarray) -> ZeroDelayPoint:
    """The prefix code fitted on the training run, the test run coded with it into one stream and decoded."""
    x_test, y_test = _check_xy(x_test, y_test)
    code = PrefixCode(_index_pmf(simulate([design], src, x_train, y_train).k[0], design.M))
    run = simulate([design], src, x_test, y_test)
    k = run.k[0].ravel()
    stream = code.encode(k)
    n = k.size
    return ZeroDelayPoint(design=design, rate_real=coding.frame_bits(stream) / n,
                          rate_code=code.payload_bits(k) / n,
                          rate_ideal=entropy(np.bincount(k, minlength=design.M) / n),
                          mse=float(run.mse[0]), bin_errors=float(run.bin_errors[0]),
                          exact=bool(np.array_equal(code.decode(stream), k)),
                          seq_bits=code.lengths[run.k[0]].mean(axis=1),
                          seq_mse=((run.x_hat[0] - x_test) ** 2).mean(axis=1),
                          test_id=hashlib.sha256(np.ascontiguousarray(x_test, dtype=float).tobytes()).hexdigest())


def lagrangian_gap(point: ZeroDelayPoint, reference: ZeroDelayPoint, lam: float) -> tuple[float, float]:
    """(J(point) − J(reference), its standard error) over the test sequences both were run on (paired: the
    same sequences, so the sampling noise common to both cancels; sequences are independent, samples within
    one are not, hence the error over sequences). The error is conditional on the two designs (and so on
    their training data). Needs >= 2 test sequences."""
    validate.positive("lam", lam)
    if point.test_id != reference.test_id:
        raise ValueError("point and reference must be evaluated on the same test sequences")
    if point.seq_bits.size < 2:
        raise ValueError("a standard error needs >= 2 test sequences")
    d = (point.seq_bits + lam * point.seq_mse) - (reference.seq_bits + lam * reference.seq_mse)
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size))
