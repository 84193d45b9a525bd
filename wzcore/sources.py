"""Sources with known statistics, each with ``.sample(n, rng) -> (x, y)``.

Every source draws from an explicit :class:`numpy.random.Generator`; ``y`` is the decoder side information
(``None`` for sources without one). The closed-form statistics exposed as properties are the ones the chapters
compare against (conditional entropies, conditional variances, posteriors).

- :class:`DSBS` — doubly symmetric binary source, X ~ Bern(1/2), Y = X ⊕ Z, Z ~ Bern(p) (chapters 1, 2).
- :class:`QuadraticGaussian` — jointly Gaussian pair in the two forms of Özyılkan et al. (chapter 4).
- :class:`Laplace`, :class:`SignSideInfo` — Laplace(0, b) and the "signed Laplacian" Y = sign X (ch. 3, 4).
- :class:`Banana` — the 2-D toy source of Ballé et al., "Nonlinear transform coding" (chapter 3).
- :class:`DiscreteJoint`, :class:`TernarySource` — finite joint pmfs for Blahut–Arimoto (chapter 2).
- :class:`Sawbridge` — B(t) = t − 1(t ≥ U), U ~ U(0, 1), sampled on a grid of t (Wagner & Ballé; chapter 3).
- :class:`GaussianPair` — two unit-variance Gaussians with correlation ρ, each seen by its own encoder
  (the two-terminal problem, chapter 7).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from wzcore import validate
from wzcore.bounds import binary_entropy

__all__ = [
    "DSBS",
    "Banana",
    "DiscreteJoint",
    "GaussianPair",
    "Laplace",
    "QuadraticGaussian",
    "Sawbridge",
    "SignSideInfo",
    "TernarySource",
]


class DSBS:
    """Doubly symmetric binary source: X ~ Bern(1/2), Y = X ⊕ Z with Z ~ Bern(p) independent of X.

    H(X|Y) = H(Y|X) = h(p) (the Slepian–Wolf corner rate), H(X, Y) = 1 + h(p).
    """

    def __init__(self, p: float):
        p = float(p)
        if not (0.0 <= p <= 0.5):
            raise ValueError(f"p must be in [0, 1/2], got {p}")
        self.p = p

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` i.i.d. pairs as uint8 arrays of 0/1."""
        n, rng = validate.integer("n", n), validate.rng(rng)
        x = rng.integers(0, 2, size=n, dtype=np.uint8)
        z = (rng.random(n) < self.p).astype(np.uint8)
        return x, x ^ z

    def sample_y_given_x(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Y = x ⊕ Bern(p), elementwise (the correlation channel, a BSC(p))."""
        x = np.asarray(x, dtype=np.uint8)
        z = (validate.rng(rng).random(x.shape) < self.p).astype(np.uint8)
        return x ^ z

    def p_xy(self) -> np.ndarray:
        """Joint pmf, X on axis 0 and Y on axis 1."""
        p = self.p
        return np.array([[(1 - p) / 2, p / 2], [p / 2, (1 - p) / 2]])

    @property
    def cond_entropy(self) -> float:
        """H(X|Y) = h(p) in bits."""
        return binary_entropy(self.p)

    def __repr__(self) -> str:
        return f"DSBS(p={self.p})"


class QuadraticGaussian:
    """Jointly Gaussian source/side-information pair, in one of two forms (Özyılkan, Ballé, Erkip 2023).

    - ``form="y=x+n"``: X ~ N(0, var_x), Y = X + N with N ~ N(0, var_n). Var(X|Y) = var_x·var_n/(var_x+var_n).
    - ``form="x=y+n"``: Y ~ N(0, var_y) with **var_y = var_x (the constructor argument)**, X = Y + N,
      N ~ N(0, var_n). Var(X|Y) = var_n and Var X = var_y + var_n.

    So the argument ``var_x`` is the variance of the *root* variable: X in the first form, Y in the second.
    ``var_x_marginal`` is always Var X. R_WZ(D) = max(0, ½ log2(cond_var / D)) in both forms.
    """

    FORMS = ("y=x+n", "x=y+n")

    def __init__(self, var_x: float = 1.0, var_n: float = 0.1, form: str = "y=x+n"):
        if form not in self.FORMS:
            raise ValueError(f"form must be one of {self.FORMS}, got {form!r}")
        self.var_root = validate.positive("var_x", var_x)
        self.var_n = validate.positive("var_n", var_n)
        self.form = form

    @property
    def var_x_marginal(self) -> float:
        """Var X."""
        return self.var_root if self.form == "y=x+n" else self.var_root + self.var_n

    @property
    def var_y(self) -> float:
        """Var Y."""
        return self.var_root + self.var_n if self.form == "y=x+n" else self.var_root

    @property
    def cond_var(self) -> float:
        """Var(X | Y)."""
        if self.form == "y=x+n":
            return self.var_root * self.var_n / (self.var_root + self.var_n)
        return self.var_n

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` i.i.d. pairs (x, y) as float64 arrays."""
        n, rng = validate.integer("n", n), validate.rng(rng)
        root = rng.normal(0.0, math.sqrt(self.var_root), n)
        noisy = root + rng.normal(0.0, math.sqrt(self.var_n), n)
        return (root, noisy) if self.form == "y=x+n" else (noisy, root)

    def posterior(self, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Mean and variance of X | Y = y: (y·var_x/(var_x+var_n), cond_var) or (y, var_n)."""
        y = np.asarray(y, dtype=float)
        if self.form == "y=x+n":
            return y * self.var_root / (self.var_root + self.var_n), self.cond_var
        return y.copy(), self.var_n

    def x_cdf_given_y(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """P(X ≤ x | Y = y) = Φ((x − m(y)) / σ_{X|Y}), broadcast over x and y."""
        mean, var = self.posterior(y)
        return ndtr((np.asarray(x, dtype=float) - mean) / math.sqrt(var))

    def y_posterior(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """Mean, variance of Y | X = x: (x, var_n) or (x·var_y/(var_y+var_n), var_y·var_n/(var_y+var_n))."""
        x = np.asarray(x, dtype=float)
        if self.form == "y=x+n":
            return x.copy(), self.var_n
        s = self.var_root + self.var_n
        return x * self.var_root / s, self.var_root * self.var_n / s

    def sample_y_given_x(self, x: np.ndarray, rng: np.random.Generator, k: int = 1) -> np.ndarray:
        """``k`` exact draws of Y | X = x for every x: shape ``x.shape + (k,)``."""
        k, rng = validate.integer("k", k), validate.rng(rng)
        mean, var = self.y_posterior(x)
        return mean[..., None] + math.sqrt(var) * rng.standard_normal((*mean.shape, k))

    def __repr__(self) -> str:
        return f"QuadraticGaussian(var_x={self.var_root}, var_n={self.var_n}, form={self.form!r})"


class Laplace:
    """Laplace(0, b): density exp(−|x|/b)/(2b), variance 2b², differential entropy log2(2eb) bits."""

    def __init__(self, scale: float = 1.0):
        self.scale = validate.positive("scale", scale)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, None]:
        """``n`` i.i.d. samples and ``None`` (no side information)."""
        n, rng = validate.integer("n", n), validate.rng(rng)
        return rng.laplace(0.0, self.scale, n), None

    def pdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.exp(-np.abs(x) / self.scale) / (2 * self.scale)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        half = 0.5 * np.exp(-np.abs(x) / self.scale)
        return np.where(x < 0, half, 1.0 - half)

    @property
    def variance(self) -> float:
        return 2 * self.scale**2

    @property
    def diff_entropy_bits(self) -> float:
        """h(X) = log2(2 e b)."""
        return math.log2(2 * math.e * self.scale)

    def __repr__(self) -> str:
        return f"Laplace(scale={self.scale})"


class SignSideInfo:
    """"Signed Laplacian": X ~ Laplace(0, b), Y = sign X ∈ {−1, +1} (float; sign(0) := +1).

    Given Y, ``|X|`` ~ Exp(mean b): E[X|Y] = b·Y, Var(X|Y) = b² (Var X = 2b²). Y is a function of X, so
    R_WZ(D) = R_{X|Y}(D) = R(D) of an exponential source of mean b under MSE.
    """

    def __init__(self, scale: float = 1.0):
        self.scale = validate.positive("scale", scale)

    @staticmethod
    def _sign(x: np.ndarray) -> np.ndarray:
        return np.where(np.asarray(x) >= 0, 1.0, -1.0)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        n, rng = validate.integer("n", n), validate.rng(rng)
        x = rng.laplace(0.0, self.scale, n)
        return x, self._sign(x)

    def sample_y_given_x(self, x: np.ndarray, rng: np.random.Generator, k: int = 1) -> np.ndarray:
        """Deterministic: sign(x) repeated ``k`` times, shape ``x.shape + (k,)`` (``rng`` unused)."""
        k = validate.integer("k", k)
        s = self._sign(np.asarray(x, dtype=float))
        return np.repeat(s[..., None], k, axis=-1)

    def posterior(self, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Mean and variance of X | Y = y: (b·y, b²)."""
        return self.scale * np.asarray(y, dtype=float), self.scale**2

    def x_cdf_given_y(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """P(X ≤ x | Y = y), broadcast: given y = +1, X ~ Exp(mean b) on [0, ∞): 1 − e^{−max(x, 0)/b}; given
        y = −1, −X ~ Exp(mean b): e^{min(x, 0)/b} for x < 0, else 1."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        pos = -np.expm1(-np.maximum(x, 0.0) / self.scale)
        neg = np.where(x < 0, np.exp(np.minimum(x, 0.0) / self.scale), 1.0)
        return np.where(y > 0, pos, neg)

    @property
    def cond_var(self) -> float:
        return self.scale**2

    @property
    def var_x_marginal(self) -> float:
        return 2 * self.scale**2

    def __repr__(self) -> str:
        return f"SignSideInfo(scale={self.scale})"


def _rotation(degrees: float) -> np.ndarray:
    phi = math.radians(degrees)
    return np.array([[math.cos(phi), -math.sin(phi)], [math.sin(phi), math.cos(phi)]])


class Banana:
    """The 2-D "banana" source of Ballé et al., NTC (tensorflow-compression ``models/toy_sources``).

    There it is ``TransformedDistribution(N(0, diag(3², 0.5²)), Invert(Chain([RealNVP(shift=0.1·z1²),
    ScaleMatvec(R(240°)), Shift((1, 1))])))``. A tfp ``Chain`` applies right to left and ``Invert`` swaps
    directions, so a sample is  z ~ N(0, diag(9, 0.25)),  w = (z1, z2 − 0.1 z1²),  x = R(240°)⁻¹ w − (1, 1).
    Every step has unit Jacobian, so pdf(x) = N(z(x); 0, diag(9, 0.25)) with z(x) the forward chain.
    Mean: R(240°)⁻¹ (0, −0.9) − (1, 1).
    """

    scales = (3.0, 0.5)
    bend = 0.1
    degrees = 240.0
    shift = (1.0, 1.0)

    def _rot(self) -> np.ndarray:
        return _rotation(self.degrees)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, None]:
        """``n`` samples of shape (n, 2) and ``None``."""
        n, rng = validate.integer("n", n), validate.rng(rng)
        z = rng.standard_normal((n, 2)) * np.asarray(self.scales)
        w = np.stack([z[:, 0], z[:, 1] - self.bend * z[:, 0] ** 2], axis=1)
        x = w @ self._rot()  # row-vector form of R⁻¹ w = Rᵀ w
        return x - np.asarray(self.shift), None

    def latent(self, x: np.ndarray) -> np.ndarray:
        """The forward chain z(x) (inverse of the sampler)."""
        x = np.asarray(x, dtype=float)
        if x.shape[-1] != 2:
            raise ValueError(f"x must have a last axis of size 2, got shape {x.shape}")
        w = (x + np.asarray(self.shift)) @ self._rot().T
        return np.stack([w[..., 0], w[..., 1] + self.bend * w[..., 0] ** 2], axis=-1)

    def pdf(self, x: np.ndarray) -> np.ndarray:
        z = self.latent(x) / np.asarray(self.scales)
        return np.exp(-0.5 * (z**2).sum(-1)) / (2 * math.pi * self.scales[0] * self.scales[1])

    @property
    def mean(self) -> np.ndarray:
        w = np.array([0.0, -self.bend * self.scales[0] ** 2])
        return self._rot().T @ w - np.asarray(self.shift)

    def __repr__(self) -> str:
        return "Banana()"


class DiscreteJoint:
    """A finite pair (X, Y) given by its joint pmf (X on axis 0, Y on axis 1); samples are int64 indices."""

    def __init__(self, p_xy: np.ndarray):
        self._p = validate.pmf("p_xy", p_xy, ndim=2)

    def p_xy(self) -> np.ndarray:
        return self._p.copy()

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        n, rng = validate.integer("n", n), validate.rng(rng)
        flat = rng.choice(self._p.size, size=n, p=self._p.ravel() / self._p.sum())
        x, y = np.unravel_index(flat, self._p.shape)
        return x.astype(np.int64), y.astype(np.int64)

    def __repr__(self) -> str:
        return f"DiscreteJoint(shape={self._p.shape})"


class TernarySource(DiscreteJoint):
    """X ~ p_x on {0, 1, 2}, Y = X + Z mod 3 with Z = 0, +1, −1 w.p. 1 − eps, eps·a, eps·(1 − a).

    With the default non-uniform p_x and asymmetric noise, R_WZ(D) under Hamming distortion has no closed
    form: the chapter computes it by Blahut–Arimoto.
    """

    def __init__(self, eps: float = 0.2, p_x: tuple[float, float, float] = (0.5, 0.3, 0.2), a: float = 0.7):
        eps, a = float(eps), float(a)
        if not (0.0 <= eps <= 1.0):
            raise ValueError(f"eps must be in [0, 1], got {eps}")
        if not (0.0 <= a <= 1.0):
            raise ValueError(f"a must be in [0, 1], got {a}")
        px = np.asarray(p_x, dtype=float)
        if px.shape != (3,) or np.any(px < 0) or abs(px.sum() - 1) > 1e-9:
            raise ValueError(f"p_x must be 3 non-negative numbers summing to 1, got {p_x}")
        p_z = np.array([1 - eps, eps * a, eps * (1 - a)])  # Z = 0, +1, -1
        p = np.zeros((3, 3))
        for x in range(3):
            for z, pz in zip((0, 1, -1), p_z, strict=True):
                p[x, (x + z) % 3] += px[x] * pz
        self.eps, self.a, self.p_x = eps, a, px
        super().__init__(p)

    def __repr__(self) -> str:
        return f"TernarySource(eps={self.eps}, p_x={tuple(self.p_x)}, a={self.a})"


class GaussianPair:
    """(X1, X2) jointly Gaussian, unit variances, correlation ρ: X2 = ρ·X1 + √(1 − ρ²)·Z, Z ~ N(0, 1).

    Each source is the other's side information in the two-terminal problem (Berger–Tung; Wagner,
    Tavildar & Viswanath 2008); ``sample`` returns (x1, x2). The conditional law of one given the other is
    N(ρ·x, 1 − ρ²) both ways (:meth:`conditional`).
    """

    def __init__(self, rho: float = 0.9):
        self.rho = validate.interval("rho", rho, -1.0, 1.0, open_low=True, open_high=True)

    @property
    def cond_var(self) -> float:
        """Var(X1 | X2) = Var(X2 | X1) = 1 − ρ²."""
        return 1.0 - self.rho**2

    def conditional(self, x) -> tuple[np.ndarray, float]:
        """Mean ρ·x and variance 1 − ρ² of the other source given one source's value(s) ``x``."""
        return self.rho * np.asarray(x, dtype=np.float64), self.cond_var

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        n = validate.integer("n", n, 1)
        validate.rng(rng)
        x1 = rng.standard_normal(n)
        x2 = self.rho * x1 + math.sqrt(self.cond_var) * rng.standard_normal(n)
        return x1, x2

    def __repr__(self) -> str:
        return f"GaussianPair(rho={self.rho})"


class Sawbridge:
    """The sawbridge B(t) = t − 1(t ≥ U), U ~ U(0, 1), t ∈ [0, 1] (A. B. Wagner, J. Ballé, "Neural networks
    optimally compress the sawbridge", DCC 2021), sampled at the m midpoints t_j = (j + ½)/m: ``sample``
    returns x of shape (n, m) and ``None``. Each realisation is a ramp of slope 1 with one unit drop at U:
    a one-parameter curve in function space. The distortion of the book is the mean over the grid,
    (1/m) Σ_j (x_j − x̂_j)², which tends to ∫₀¹ (B(t) − B̂(t))² dt as m grows
    (:func:`wzcore.bounds.sawbridge_entropy_distortion` gives its optimal entropy–distortion trade-off).
    """

    def __init__(self, m: int = 64):
        self.m = validate.integer("m", m, 2)
        self.t = (np.arange(self.m) + 0.5) / self.m

    def sample_u(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """The jump times U of ``n`` realisations."""
        return validate.rng(rng).uniform(0.0, 1.0, validate.integer("n", n))

    def paths(self, u: np.ndarray) -> np.ndarray:
        """B(t_j) for each jump time in ``u``, shape (len(u), m)."""
        u = np.asarray(u, dtype=np.float64).reshape(-1, 1)
        return self.t[None, :] - (self.t[None, :] >= u)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, None]:
        return self.paths(self.sample_u(n, rng)), None

    def __repr__(self) -> str:
        return f"Sawbridge(m={self.m})"
