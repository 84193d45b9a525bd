"""One-shot coding with shared randomness: channel simulation and importance-matching Wyner–Ziv.

Nothing here quantizes. Encoder and decoder share a seed; from it both regenerate the same candidates, and
the encoder sends which one (or a label of it) it picked.

**Shared randomness** (:class:`SharedRandomness`). Candidate ``i`` of sample ``b`` lives in chunk
``c = i // chunk`` of block ``b // block``; that chunk is drawn by a ``torch.Generator`` seeded with
``SeedSequence([seed, block, c])``, so either side regenerates any chunk on demand and nothing is stored.
Per candidate it holds a standard normal z (the proposal), a label ℓ ∈ {0, …, L−1} and an Exp(1) variable.
The streams of a CPU and a CUDA generator differ: results are reproducible per device.

**Channel simulation** (:func:`pfr_encode`, :func:`pfr_decode`): the Poisson functional representation (C. T. Li
and A. El Gamal, "Strong functional representation lemma and applications to coding theorems", IEEE Trans.
IT 2018). Arrival times T_1 < T_2 < … of a unit-rate Poisson process (cumulative sums of the Exp(1)
variables) and i.i.d. proposals U_i ~ Q; the encoder sends K = argmin_i T_i / r(U_i), r = dP/dQ, and U_K ~ P
exactly. The search stops once T_i / r_max exceeds the best value (r_max = sup r, finite here), which makes
the work grow like r_max — exponentially in the information sent. Here P = N(a, σ²) (W = A + V given
A = a) and Q = N(0, 1 + σ²) (the marginal of W), so I(A; W) = ½ log₂(1 + 1/σ²). Li and El Gamal bound
H(K) ≤ I + log₂(I + 1) + 4 with a Zipf code of K. K is coded for real (:func:`encode_index`): its octave
e = ⌊log₂ K⌋ entropy-coded with the octave masses of the Zipf law p(k) ∝ k^(−λ),
λ = 1 + 1/(I + e⁻¹ log₂ e + 1) (their choice), and the e bits below the leading one sent raw.

**Importance-matching Wyner–Ziv** (:func:`iml_run`; B. Phan, A. Khisti, C. Louizos, "Importance matching
lemma for lossy compression with side information", AISTATS 2024, arXiv 2401.02609). A ~ N(0, 1),
T = A + ζ at the decoder, auxiliary W = A + V, V ~ N(0, σ²) (:class:`GaussianIML`). N proposals
W_i ~ N(0, 1 + σ²) with labels ℓ_i; the encoder picks j = argmin_i E_i / r_A(W_i), r_A = p(w | a)/p(w), and
sends ℓ_j (log₂ L bits); the decoder picks, among the proposals labelled ℓ_j, argmin E_i / r_T(W_i) with
r_T = p(w | t)/p(w), and outputs E[A | W, T]. Two decoders:

- ``hard``: the paper's, one proposal;
- ``soft``: the posterior mean of A given t and everything shared, over all the proposals carrying the
  label: x̂ = Σ_i ∫ a p(a | t) π_i(a) da / Σ_i ∫ p(a | t) π_i(a) da with π_i(a) = exp(−(N−1) E_i / r_a(W_i)),
  the probability that proposal i beats N − 1 fresh ones for a source value a (E_q[r_a] = 1; the decoder's
  knowledge of the other proposals' randomness is left out). Each integral is a quadrature in
  z = (a − W_i)/σ; proposals whose weight is below e⁻⁴⁰ are skipped.

**Detection.** Both streams are CRC-framed (:mod:`wzcore.coding`): a damaged stream raises
:class:`wzcore.coding.CorruptStreamError`. They also carry a 32-bit tag of the shared seed
(:func:`wzcore.coding.seed_tag`), so a decoder given another seed raises instead of decoding. What no check can catch:
a decoder that holds the right seed but picks a wrong proposal (importance matching's mismatch, below) —
that is the scheme's distortion, not an error.

**Matching probability** (:func:`match_probability`). For the Poisson process (N → ∞) the probability that
the decoder picks the encoder's proposal is exact: given the encoder's U = u*,

    P(match | u*) = 1 / (1 + c(u*)),   c(u*) = (1/L) ∫ (ρ p(w | t) − p(w | a))⁺ dw,   ρ = p(u* | a)/p(u* | t),

because, given the encoder's winning value τ ~ Exp(1), the other points form a Poisson process beyond it and
a wrong match needs one of them, labelled ℓ_j, below the decoder's threshold: a Poisson count of mean τ c.
The Poisson matching lemma (Li and Anantharam 2021) bounds c by ρ/L. For two Gaussians the positive part
has closed form (the integrand changes sign at u* and at one other root); the average over u* ~ N(a, σ²) is
a Gauss–Hermite rule.
"""

from __future__ import annotations

import math
import struct
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from scipy.special import ndtr, zeta

from wzcore import coding, validate
from wzcore.coding import check_seed_tag, seed_tag
from wzcore.training import device as default_device

__all__ = [
    "GaussianIML",
    "IMLResult",
    "PFRResult",
    "SharedRandomness",
    "decode_index",
    "decode_labels",
    "encode_index",
    "encode_labels",
    "iml_run",
    "li_el_gamal_bound",
    "match_probability",
    "pfr_decode",
    "pfr_encode",
    "seed_tag",
    "zipf_exponent",
]

LOG2E = math.log2(math.e)


# ---- shared randomness ---------------------------------------------------------------------------------
class SharedRandomness:
    """Candidates regenerated from ``seed``: chunk ``c`` of block ``b`` from ``SeedSequence([seed, b, c])``.

    :meth:`SharedRandomness.draw` returns (z, label, e) of shape (B, C): standard normals, labels in [0, L) and Exp(1)
    variables, float64 on ``device``.
    """

    def __init__(self, seed: int, device: torch.device | str | None = None):
        self.seed = validate.integer("seed", seed, 0)
        self.device = torch.device(device) if device is not None else default_device()

    def draw(self, block: int, chunk: int, B: int, C: int, L: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(z, label, e) of chunk ``chunk`` of block ``block``: B × C normals, labels in [0, L), Exp(1)."""
        state = np.random.SeedSequence([self.seed, int(block), int(chunk)]).generate_state(2, np.uint64)
        gen = torch.Generator(device=self.device).manual_seed(int(state[0] >> np.uint64(1)))
        z = torch.randn(B, C, generator=gen, device=self.device, dtype=torch.float64)
        lab = torch.randint(0, L, (B, C), generator=gen, device=self.device)
        e = torch.empty(B, C, device=self.device, dtype=torch.float64).exponential_(1.0, generator=gen)
        return z, lab, e

    def __repr__(self) -> str:
        return f"SharedRandomness(seed={self.seed}, device={str(self.device)!r})"


def _log_normal_pdf(x: Any, mean: Any, var: float) -> Any:
    """log N(x; mean, var), elementwise, for torch tensors or numpy arrays."""
    return -0.5 * (x - mean) ** 2 / var - 0.5 * math.log(2 * math.pi * var)


# ---- the Gaussian Wyner–Ziv test channel --------------------------------------------------------------
@dataclass(frozen=True)
class GaussianIML:
    """A ~ N(0, 1), T = A + ζ with Var ζ = ``var_zeta`` at the decoder, auxiliary W = A + V, Var V = ``var_w``.

    Closed forms: Var(A | T) = v_ζ/(1 + v_ζ), E[A | T] = t/(1 + v_ζ), W | T ~ N(E[A | T], σ² + Var(A | T)),
    E[A | W, T] = (w/σ² + t/v_ζ) / (1 + 1/σ² + 1/v_ζ) with MSE 1/(1 + 1/σ² + 1/v_ζ) (the distortion of a
    decoder that gets the encoder's W), I(A; W | T) = ½ log₂(Var(A | T)/MSE) = R_WZ of that MSE.
    """

    var_w: float
    var_zeta: float = 0.5

    def __post_init__(self) -> None:
        validate.positive("var_w", self.var_w)
        validate.positive("var_zeta", self.var_zeta)

    @property
    def var_a_given_t(self) -> float:
        """Var(A | T) = v_ζ/(1 + v_ζ)."""
        return self.var_zeta / (1 + self.var_zeta)

    @property
    def var_q(self) -> float:
        """Variance of the proposal law, the marginal of W."""
        return 1.0 + self.var_w

    @property
    def mse_matched(self) -> float:
        """MSE of E[A | W, T]: the distortion when the decoder has the encoder's W."""
        return 1.0 / (1.0 + 1.0 / self.var_w + 1.0 / self.var_zeta)

    @property
    def I_AW(self) -> float:
        """I(A; W) in bits."""
        return 0.5 * math.log2(1.0 + 1.0 / self.var_w)

    @property
    def I_AW_given_T(self) -> float:
        """I(A; W | T) in bits (the Wyner–Ziv rate of :attr:`GaussianIML.mse_matched`)."""
        return 0.5 * math.log2(self.var_a_given_t / self.mse_matched)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` pairs (a, t)."""
        n, rng = validate.integer("n", n), validate.rng(rng)
        a = rng.standard_normal(n)
        return a, a + math.sqrt(self.var_zeta) * rng.standard_normal(n)

    def mean_a_given_t(self, t: Any) -> Any:
        """E[A | T = t] = t/(1 + v_ζ)."""
        return t / (1.0 + self.var_zeta)

    def estimate(self, w: Any, t: Any) -> Any:
        """E[A | W = w, T = t]."""
        return (w / self.var_w + t / self.var_zeta) * self.mse_matched

    def log_r_a(self, w: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
        """log p(w | a) − log p(w)."""
        return _log_normal_pdf(w, a, self.var_w) - _log_normal_pdf(w, 0.0, self.var_q)

    def log_r_t(self, w: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """log p(w | t) − log p(w)."""
        return (_log_normal_pdf(w, self.mean_a_given_t(t), self.var_w + self.var_a_given_t)
                - _log_normal_pdf(w, 0.0, self.var_q))


# ---- channel simulation: the Poisson functional representation ----------------------------------------
@dataclass(frozen=True)
class PFRResult:
    """Indices K (1-based, int64), the proposals U_K sent (float64) and the candidates each search drew."""

    k: np.ndarray
    u: np.ndarray
    searched: np.ndarray
    wall_s: float


def _pfr_setup(mean: np.ndarray, var: float, var_q: float) -> tuple[np.ndarray, float, float]:
    var, var_q = validate.positive("var", var), validate.positive("var_q", var_q)
    if var >= var_q:
        raise ValueError(f"var must be below var_q (r = dP/dQ bounded), got var = {var}, var_q = {var_q}")
    mean = np.asarray(mean, dtype=np.float64)
    if mean.ndim != 1 or not np.all(np.isfinite(mean)):
        raise ValueError("mean must be a finite 1-D array")
    return mean, var, var_q


def _log_r_max(mean: torch.Tensor, var: float, var_q: float) -> torch.Tensor:
    """log sup_w N(w; m, var)/N(w; 0, var_q) = ½ log(var_q/var) + m²/(2(var_q − var))."""
    return 0.5 * math.log(var_q / var) + mean**2 / (2 * (var_q - var))


@torch.no_grad()
def pfr_encode(mean: np.ndarray, var: float, var_q: float, seed: int, *, chunk: int = 256, block: int = 64,
               device: torch.device | str | None = None, max_candidates: int = 2**26) -> PFRResult:
    """Channel simulation of P = N(mean_b, var) from Q = N(0, var_q) for every sample b (module docstring).

    Samples are processed ``block`` at a time (block index = shared-randomness block), candidates ``chunk`` at
    a time until every search has stopped; more than ``max_candidates`` for one sample raises ValueError.
    ``searched`` counts the candidates up to the one at which the search may stop: the first i with
    T_i / r_max ≥ min_{i' ≤ i} T_i' / r(U_i'). A small ``block`` keeps one long search from holding up many
    samples (the search length is heavy-tailed: r_max grows like exp(mean²/(2(var_q − var))).
    """
    mean, var, var_q = _pfr_setup(mean, var, var_q)
    chunk = validate.integer("chunk", chunk, 1)
    block = validate.integer("block", block, 1)
    shared = SharedRandomness(seed, device)
    dev, sd_q = shared.device, math.sqrt(var_q)
    t0 = time.perf_counter()
    ks, us, searched = [], [], []
    for b0 in range(0, mean.size, block):
        m = torch.as_tensor(mean[b0:b0 + block], device=dev)
        B = m.numel()
        lr_max = _log_r_max(m, var, var_q)
        best = torch.full((B,), math.inf, dtype=torch.float64, device=dev)  # min log(T / r)
        best_k = torch.zeros(B, dtype=torch.int64, device=dev)
        best_u = torch.zeros(B, dtype=torch.float64, device=dev)
        t_off = torch.zeros(B, dtype=torch.float64, device=dev)
        done = torch.zeros(B, dtype=torch.bool, device=dev)
        n_searched = torch.zeros(B, dtype=torch.int64, device=dev)
        c = 0
        while not bool(done.all()):
            if (c + 1) * chunk > max_candidates:
                raise ValueError(f"a search exceeded max_candidates = {max_candidates}; lower the rate")
            z, _, e = shared.draw(b0 // block, c, B, chunk, 1)
            arrivals = t_off[:, None] + torch.cumsum(e, dim=1)
            u = sd_q * z
            score = torch.log(arrivals) - (_log_normal_pdf(u, m[:, None], var) - _log_normal_pdf(u, 0.0, var_q))
            score[done] = math.inf
            s_min, idx = score.min(dim=1)
            better = s_min < best
            # the search may stop at the first i whose T_i / r_max reaches the best value so far
            running = torch.minimum(torch.cummin(score, dim=1).values, best[:, None])
            stop = torch.log(arrivals) - lr_max[:, None] >= running
            first = torch.where(stop.any(1), stop.float().argmax(1), chunk)
            n_searched += torch.where(done, 0, torch.clamp(first + 1, max=chunk))
            best = torch.where(better, s_min, best)
            best_k = torch.where(better, c * chunk + idx + 1, best_k)
            best_u = torch.where(better, u.gather(1, idx[:, None])[:, 0], best_u)
            t_off = arrivals[:, -1]
            done |= stop.any(1)  # every later T_i / r(U_i) exceeds the best
            c += 1
        ks.append(best_k.cpu().numpy())
        us.append(best_u.cpu().numpy())
        searched.append(n_searched.cpu().numpy())
    return PFRResult(np.concatenate(ks), np.concatenate(us), np.concatenate(searched), time.perf_counter() - t0)


@torch.no_grad()
def pfr_decode(k: np.ndarray, var_q: float, seed: int, *, chunk: int = 256, block: int = 64,
               device: torch.device | str | None = None) -> np.ndarray:
    """U_K of every sample, regenerated from the shared seed (same ``chunk``, ``block`` as the encoder)."""
    k = validate.int_array("k", k)
    if k.size and k.min() < 1:
        raise ValueError("k must hold indices >= 1")
    var_q = validate.positive("var_q", var_q)
    chunk = validate.integer("chunk", chunk, 1)
    block = validate.integer("block", block, 1)
    shared = SharedRandomness(seed, device)
    out = np.empty(k.size)
    for b0 in range(0, k.size, block):
        kb = k[b0:b0 + block]
        B = kb.size
        for c in np.unique((kb - 1) // chunk):
            z, _, _ = shared.draw(b0 // block, int(c), B, chunk, 1)
            rows = np.nonzero((kb - 1) // chunk == c)[0]
            cols = (kb[rows] - 1) % chunk
            out[b0 + rows] = math.sqrt(var_q) * z[torch.as_tensor(rows), torch.as_tensor(cols)].cpu().numpy()
    return out


# ---- real bits: the index code and the label code -----------------------------------------------------
_MAX_OCTAVE = 62
_PF_KIND, _PF_HEAD = "PF", struct.Struct("<IdI")  # n, λ, seed tag
_IM_KIND, _IM_HEAD = "IM", struct.Struct("<IBI")  # n, log2 L, seed tag


def zipf_exponent(info_bits: float) -> float:
    """λ = 1 + 1/(I + e⁻¹ log₂ e + 1): Li and El Gamal's Zipf exponent for an index of I bits of information."""
    info = validate.interval("info_bits", info_bits, 0.0, 1e6)
    return 1.0 + 1.0 / (info + LOG2E / math.e + 1.0)


def _octave_pmf(lam: float) -> np.ndarray:
    """P(⌊log₂ K⌋ = e) for K ~ p(k) = k^(−λ)/ζ(λ), e = 0 … 62 (Hurwitz ζ; the tail beyond folded into 62)."""
    edges = 2.0 ** np.arange(_MAX_OCTAVE + 2)
    mass = (zeta(lam, edges[:-1]) - zeta(lam, edges[1:])) / zeta(lam, 1.0)
    mass[-1] += max(0.0, 1.0 - mass.sum())
    return np.maximum(mass, 1e-300)


def encode_index(k: np.ndarray, lam: float, seed: int) -> bytes:
    """A ``"PF"`` frame: header (n, λ, :func:`wzcore.coding.seed_tag` of ``seed``); payload an ``"AC"`` frame of the
    octaves e = ⌊log₂ k⌋ under the Zipf
    octave masses, then the e low bits of every k, packed (big-endian bit order)."""
    k = validate.int_array("k", k)
    if k.size and (k.min() < 1 or k.max() >= 2**_MAX_OCTAVE):
        raise ValueError(f"k must hold integers in [1, 2^{_MAX_OCTAVE})")
    lam = validate.interval("lam", lam, 1.0, 64.0, open_low=True)
    e = np.floor(np.log2(np.maximum(k, 1))).astype(np.int64)
    e = e - (2**e > k) + (2 ** (e + 1) <= k)  # exact octave despite float log2
    bits = [((int(v) >> s) & 1) for v, ee in zip(k, e, strict=True) for s in range(int(ee) - 1, -1, -1)]
    payload = coding.encode_categorical(e, _octave_pmf(lam)) + np.packbits(np.array(bits, np.uint8)).tobytes()
    return coding.write_frame(_PF_KIND, _PF_HEAD.pack(k.size, lam, seed_tag(seed)), payload)


def decode_index(stream: bytes, seed: int | None = None) -> np.ndarray:
    """Inverse of :func:`encode_index` (raises :class:`wzcore.coding.CorruptStreamError` on damage, and
    ValueError if ``seed`` is given and is not the encoder's)."""
    header, payload, rest = coding.read_frame(stream, _PF_KIND)
    if rest or len(header) != _PF_HEAD.size:
        raise coding.CorruptStreamError("malformed index stream")
    n, lam, tag = _PF_HEAD.unpack(header)
    check_seed_tag(tag, seed)
    ac, raw = coding.split_stream(payload, "AC")
    e = coding.decode_categorical(ac, _octave_pmf(lam))
    if e.size != n:
        raise coding.CorruptStreamError(f"index stream holds {e.size} octaves, header says {n}")
    need = int(e.sum())
    if len(raw) != (need + 7) // 8:
        raise coding.CorruptStreamError(f"index stream has {len(raw)} mantissa bytes, expected {(need + 7) // 8}")
    bits = np.unpackbits(np.frombuffer(raw, np.uint8))[:need]
    out, pos = np.empty(n, dtype=np.int64), 0
    for i, ee in enumerate(e):
        v = 1
        for b in bits[pos:pos + ee]:
            v = (v << 1) | int(b)
        out[i], pos = v, pos + int(ee)
    return out


def encode_labels(labels: np.ndarray, L: int, seed: int) -> bytes:
    """An ``"IM"`` frame: header (n, log₂ L, :func:`wzcore.coding.seed_tag` of ``seed``), payload the labels
    in log₂ L bits each, packed."""
    L = validate.integer("L", L, 1, 2**16)
    if L & (L - 1):
        raise ValueError(f"L must be a power of 2, got {L}")
    lab = validate.int_array("labels", labels)
    if lab.size and (lab.min() < 0 or lab.max() >= L):
        raise ValueError(f"labels must lie in [0, {L - 1}]")
    nb = L.bit_length() - 1
    bits = ((lab[:, None] >> np.arange(nb - 1, -1, -1)) & 1).astype(np.uint8).ravel()
    header = _IM_HEAD.pack(lab.size, nb, seed_tag(seed))
    return coding.write_frame(_IM_KIND, header, np.packbits(bits).tobytes())


def decode_labels(stream: bytes, seed: int | None = None) -> np.ndarray:
    """Inverse of :func:`encode_labels` (CorruptStreamError on damage, ValueError on another seed)."""
    header, payload, rest = coding.read_frame(stream, _IM_KIND)
    if rest or len(header) != _IM_HEAD.size:
        raise coding.CorruptStreamError("malformed label stream")
    n, nb, tag = _IM_HEAD.unpack(header)
    check_seed_tag(tag, seed)
    if len(payload) != (n * nb + 7) // 8:
        raise coding.CorruptStreamError("label stream length does not match its header")
    if nb == 0:
        return np.zeros(n, dtype=np.int64)
    bits = np.unpackbits(np.frombuffer(payload, np.uint8))[: n * nb].reshape(n, nb).astype(np.int64)
    return (bits << np.arange(nb - 1, -1, -1)).sum(1)


def li_el_gamal_bound(info_bits: Any) -> np.ndarray:
    """I + log₂(I + 1) + 4 bits (Li and El Gamal 2018)."""
    i = np.asarray(info_bits, dtype=float)
    return i + np.log2(i + 1) + 4


# ---- importance-matching Wyner–Ziv --------------------------------------------------------------------
@dataclass(frozen=True)
class IMLResult:
    """Per sample: the encoder's label and proposal index, the hard decoder's index, both estimates."""

    label: np.ndarray
    j_enc: np.ndarray
    j_dec: np.ndarray
    w_enc: np.ndarray
    x_hard: np.ndarray
    x_soft: np.ndarray
    wall_s: float

    @property
    def match(self) -> np.ndarray:
        return self.j_enc == self.j_dec


_Z = torch.linspace(-6.0, 6.0, 121, dtype=torch.float64)
_LOG_CUT = -40.0  # proposals whose weight is below e^-40 (the winners' are about 1) are skipped


@torch.no_grad()
def iml_run(model: GaussianIML, a: np.ndarray, t: np.ndarray, n_proposals: int, L: int, seed: int, *,
            chunk: int = 4096, block: int = 256, soft: bool = True,
            device: torch.device | str | None = None) -> IMLResult:
    """Encode and decode every sample (a_b, t_b) with the importance-matching scheme (module docstring).

    ``n_proposals`` N per sample (a multiple of ``chunk`` or below it), ``L`` labels (the rate is log₂ L
    bits), shared randomness from ``seed``, samples ``block`` at a time. The decoder regenerates the same
    proposals from the seed; ``soft`` adds the posterior-mean decoder.
    """
    a, t = np.asarray(a, dtype=np.float64), np.asarray(t, dtype=np.float64)
    if a.ndim != 1 or a.shape != t.shape:
        raise ValueError(f"a and t must be 1-D arrays of one length, got {a.shape} and {t.shape}")
    N = validate.integer("n_proposals", n_proposals, 1)
    L = validate.integer("L", L, 1)
    chunk = min(validate.integer("chunk", chunk, 1), N)
    if N % chunk:
        raise ValueError(f"n_proposals must be a multiple of chunk = {chunk}, got {N}")
    block = validate.integer("block", block, 1)
    shared = SharedRandomness(seed, device)
    dev, sd_q, s_w = shared.device, math.sqrt(model.var_q), math.sqrt(model.var_w)
    z_grid, dz = _Z.to(dev), float(_Z[1] - _Z[0])
    log_nm1 = math.log(max(N - 1, 1))
    t0 = time.perf_counter()
    out = {k: [] for k in ("label", "j_enc", "j_dec", "w_enc", "x_hard", "x_soft")}
    m_t_all = model.mean_a_given_t(t)
    for b0 in range(0, a.size, block):
        ab = torch.as_tensor(a[b0:b0 + block], device=dev)[:, None]
        tb = torch.as_tensor(t[b0:b0 + block], device=dev)[:, None]
        mt = torch.as_tensor(m_t_all[b0:b0 + block], device=dev)
        B, blk = ab.shape[0], b0 // block
        inf = torch.full((B,), math.inf, dtype=torch.float64, device=dev)
        best, j_enc = inf.clone(), torch.zeros(B, dtype=torch.int64, device=dev)
        w_enc, lab_enc = torch.zeros(B, dtype=torch.float64, device=dev), torch.zeros(B, dtype=torch.int64, device=dev)
        for c in range(N // chunk):
            z, lab, e = shared.draw(blk, c, B, chunk, L)
            w = sd_q * z
            s_min, idx = (torch.log(e) - model.log_r_a(w, ab)).min(dim=1)
            better = s_min < best
            best = torch.where(better, s_min, best)
            j_enc = torch.where(better, c * chunk + idx, j_enc)
            w_enc = torch.where(better, w.gather(1, idx[:, None])[:, 0], w_enc)
            lab_enc = torch.where(better, lab.gather(1, idx[:, None])[:, 0], lab_enc)
        best_d, j_dec, w_dec = inf.clone(), torch.zeros_like(j_enc), torch.zeros_like(w_enc)
        j0, j1 = torch.zeros_like(w_enc), torch.zeros_like(w_enc)
        for c in range(N // chunk):
            z, lab, e = shared.draw(blk, c, B, chunk, L)
            w = sd_q * z
            same = lab == lab_enc[:, None]
            s = torch.where(same, torch.log(e) - model.log_r_t(w, tb), math.inf)
            s_min, idx = s.min(dim=1)
            better = s_min < best_d
            best_d = torch.where(better, s_min, best_d)
            j_dec = torch.where(better, c * chunk + idx, j_dec)
            w_dec = torch.where(better, w.gather(1, idx[:, None])[:, 0], w_dec)
            if soft:
                # log((N−1) E_i / r_a(W_i)) at a = W_i: log(N−1) + log E_i + log q(W_i) + ½ log(2π σ²)
                log_c = log_nm1 + torch.log(e) + _log_normal_pdf(w, 0.0, model.var_q) + 0.5 * math.log(
                    2 * math.pi * model.var_w)
                # log of the weight's size, ∫ p(a | t) π_i(a) da ≈ p(W_i | t) σ exp(−(N−1) E_i / r_max)
                log_size = _log_normal_pdf(w, mt[:, None], model.var_a_given_t) - torch.exp(log_c.clamp(max=50))
                rows, cols = torch.nonzero(same & (log_size > _LOG_CUT), as_tuple=True)
                if rows.numel():
                    wi, lc = w[rows, cols][:, None], log_c[rows, cols][:, None]
                    a_z = wi + s_w * z_grid[None, :]
                    log_pi = -torch.exp(lc + 0.5 * z_grid[None, :] ** 2)
                    dens = torch.exp(_log_normal_pdf(a_z, mt[rows][:, None], model.var_a_given_t) + log_pi)
                    j0.index_add_(0, rows, dens.sum(1) * s_w * dz)
                    j1.index_add_(0, rows, (a_z * dens).sum(1) * s_w * dz)
        x_hard = model.estimate(w_dec, tb[:, 0])
        x_soft = torch.where(j0 > 0, j1 / torch.where(j0 > 0, j0, 1.0), x_hard) if soft else x_hard
        for key, v in (("label", lab_enc), ("j_enc", j_enc), ("j_dec", j_dec), ("w_enc", w_enc),
                       ("x_hard", x_hard), ("x_soft", x_soft)):
            out[key].append(v.cpu().numpy())
    cat = {k: np.concatenate(v) for k, v in out.items()}
    return IMLResult(**cat, wall_s=time.perf_counter() - t0)


def match_probability(model: GaussianIML, a: np.ndarray, t: np.ndarray, L: int, n_nodes: int = 64) -> np.ndarray:
    """P(decoder's proposal = encoder's | a, t) for the Poisson process (N → ∞), exact up to the
    ``n_nodes``-point Gauss–Hermite average over the encoder's u* ~ N(a, σ²) (module docstring)."""
    L = validate.integer("L", L, 1)
    n_nodes = validate.integer("n_nodes", n_nodes, 1)
    a, t = np.asarray(a, dtype=np.float64)[:, None], np.asarray(t, dtype=np.float64)[:, None]
    x, wgt = np.polynomial.hermite.hermgauss(n_nodes)
    v1, m2 = model.var_w, model.mean_a_given_t(t)
    v2 = model.var_w + model.var_a_given_t
    u = a + math.sqrt(2 * v1) * x[None, :]
    log_rho = _log_normal_pdf(u, a, v1) - _log_normal_pdf(u, m2, v2)
    # log ρ + log p2(w) − log p1(w) = 0 ⇔ α w² + β w + γ = 0, α = 1/(2 v1) − 1/(2 v2) > 0; one root is u
    alpha = 0.5 / v1 - 0.5 / v2
    beta = m2 / v2 - a / v1
    other = -beta / alpha - u
    lo, hi = np.minimum(u, other), np.maximum(u, other)
    in1 = ndtr((hi - a) / math.sqrt(v1)) - ndtr((lo - a) / math.sqrt(v1))
    in2 = ndtr((hi - m2) / math.sqrt(v2)) - ndtr((lo - m2) / math.sqrt(v2))
    pos = np.maximum(np.exp(log_rho) * (1 - in2) - (1 - in1), 0.0)
    return (wgt[None, :] / math.sqrt(math.pi) / (1 + pos / L)).sum(1)
