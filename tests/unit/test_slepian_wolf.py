"""Tests for wzcore.slepian_wolf: PEG structure, checked syndrome codec, FER and random-binning helpers."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from wzcore import coding
from wzcore import slepian_wolf as sw

PROFILE = {2: 0.45, 3: 0.35, 8: 0.20}


@pytest.fixture(scope="module")
def code_600() -> sp.csr_matrix:
    return sw.peg_ldpc(600, 420, PROFILE, np.random.default_rng(3))


# ---------------------------------------------------------------------------------------------- PEG


def test_degree_sequence_realises_profile_and_caps_degree_two():
    d = sw.degree_sequence(1000, {2: 0.5, 3: 0.3, 8: 0.2})
    assert np.array_equal(np.bincount(d, minlength=9)[[2, 3, 8]], [500, 300, 200])
    capped = sw.degree_sequence(1000, {2: 0.5, 3: 0.3, 8: 0.2}, m=400)
    assert np.array_equal(np.bincount(capped, minlength=9)[[2, 3, 8]], [399, 401, 200])
    with pytest.raises(ValueError, match="sum to 1"):
        sw.degree_sequence(10, {2: 0.5, 3: 0.4})


def test_peg_degree_profile_girth_and_concentrated_checks(code_600):
    h = code_600
    assert h.shape == (420, 600) and h.dtype == np.uint8 and np.all(h.data == 1)
    col = np.sort(np.asarray(h.sum(axis=0)).ravel())
    assert np.array_equal(col, sw.degree_sequence(600, PROFILE, 420))
    row = np.asarray(h.sum(axis=1)).ravel()
    assert row.max() - row.min() <= 1  # PEG's lowest-degree rule keeps check degrees concentrated
    assert not sw.has_four_cycles(h)
    # the degree-2 nodes (fewer than m) form a forest: no cycle in their check graph
    d2 = np.flatnonzero(np.asarray(h.sum(axis=0)).ravel() == 2)
    sub = h[:, d2].tocsc()
    edges = [tuple(sub.indices[sub.indptr[j] : sub.indptr[j + 1]]) for j in range(len(d2))]
    g = sp.coo_matrix((np.ones(len(edges)), tuple(np.array(edges).T)), shape=(420, 420))
    n_comp, _ = sp.csgraph.connected_components(g, directed=False)
    assert len(edges) == 420 - n_comp  # a forest on 420 vertices with c components has 420 − c edges


def test_has_four_cycles_detects_one():
    h = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1]], dtype=np.uint8))
    assert sw.has_four_cycles(h)
    assert not sw.has_four_cycles(sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1]], dtype=np.uint8)))


def test_peg_is_reproducible_and_matches_shipped_codes():
    a = sw.peg_ldpc(300, 170, None, np.random.default_rng(5))
    b = sw.peg_ldpc(300, 170, None, np.random.default_rng(5))
    assert (a != b).nnz == 0
    shipped = sorted((p for p in sw.SHIPPED_CODES.iterdir() if p.name.endswith(".npz")), key=lambda p: p.name)
    assert sw.code_name(1000, 660, 0) in {p.name for p in shipped}
    for path in shipped:
        n, m, seed = (int(t[1:]) for t in path.name.removesuffix(".npz").split("_")[1:])
        with path.open("rb") as f, np.load(f) as z:
            h = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        assert h.shape == (m, n) and np.all(h.data == 1)
        assert np.array_equal(np.sort(np.diff(h.tocsc().indptr)), sw.degree_sequence(n, sw.DEFAULT_PROFILE, m))
        if n >= 10_000:  # at n = 10^3 the 60 degree-30 columns on ~650 checks must share check pairs
            assert not sw.has_four_cycles(h), path.name
        if n == 1000:  # small enough to rebuild here: the library regenerates the shipped code exactly
            assert (sw.load_or_build_code(n, m / n, seed) != h).nnz == 0
            assert (sw.peg_ldpc(n, m, None, np.random.default_rng(seed)) != h).nnz == 0


def test_peg_bad_parameters():
    with pytest.raises(ValueError, match="m < n"):
        sw.peg_ldpc(100, 100, None, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        sw.peg_ldpc(100, 50, None, None)
    with pytest.raises(ValueError, match="rate"):
        sw.load_or_build_code(100, 1.2)


# ---------------------------------------------------------------------------------------------- codec


def test_round_trip_bsc(code_600):
    codec = sw.SyndromeCodec(code_600)
    assert codec.rate == pytest.approx(0.7)
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.integers(0, 2, 600, dtype=np.uint8)
        y = x ^ (rng.random(600) < 0.05).astype(np.uint8)
        stream = codec.encode(x)
        assert sw.HEADER_BYTES == coding.FRAME_OVERHEAD + 12  # header: n, m, CRC-32 of x
        assert len(stream) == sw.HEADER_BYTES + math.ceil(420 / 8)
        header, payload, rest = coding.read_frame(stream, "SW")
        assert len(header) == 12 and len(payload) == math.ceil(420 / 8) and rest == b""
        assert np.array_equal(codec.decode(stream, y=y, p=0.05), x)
        assert np.array_equal(codec.decode(stream, y=y, crossover=np.full(600, 0.05)), x)


def test_failure_is_detected_not_returned(code_600):
    """Far above capacity (p = 0.3 needs h = 0.88 > R = 0.7) every frame must raise, never return wrong x."""
    codec = sw.SyndromeCodec(code_600)
    rng = np.random.default_rng(1)
    for _ in range(5):
        x = rng.integers(0, 2, 600, dtype=np.uint8)
        y = x ^ (rng.random(600) < 0.3).astype(np.uint8)
        with pytest.raises(sw.DecodingError) as info:
            codec.decode(codec.encode(x), y=y, p=0.3)
        assert info.value.x_bp.shape == (600,) and not np.array_equal(info.value.x_bp, x)


def test_corrupted_and_malformed_streams_raise(code_600):
    codec = sw.SyndromeCodec(code_600)
    rng = np.random.default_rng(2)
    x = rng.integers(0, 2, 600, dtype=np.uint8)
    stream = codec.encode(x)
    for i in range(8 * len(stream)):  # every single-bit flip: frame head, header, syndrome and CRC
        bad = bytearray(stream)
        bad[i // 8] ^= 1 << (i % 8)
        with pytest.raises(coding.CorruptStreamError):
            codec.decode(bytes(bad), y=x, p=0.05)
    for cut in (0, 10, sw.HEADER_BYTES, len(stream) - 1):
        with pytest.raises(coding.CorruptStreamError, match="truncated"):
            codec.decode(stream[:cut], y=x, p=0.05)
    with pytest.raises(coding.CorruptStreamError, match="trailing"):
        codec.decode(stream + b"\x00", y=x, p=0.05)
    with pytest.raises(coding.CorruptStreamError, match="kind"):  # a valid frame of another codec
        codec.decode(coding.encode_categorical(x, np.array([0.5, 0.5])), y=x, p=0.05)
    # valid frames of the right kind but a wrong header or payload size (as a buggy encoder would write)
    head = coding.read_frame(stream, "SW")[0]
    with pytest.raises(coding.CorruptStreamError, match="header"):
        codec.decode(coding.write_frame("SW", head[:8], b"\x00" * 53), y=x, p=0.05)
    with pytest.raises(coding.CorruptStreamError, match="payload"):
        codec.decode(coding.write_frame("SW", head, b"\x00" * 52), y=x, p=0.05)
    other = sw.SyndromeCodec(sw.peg_ldpc(608, 420, PROFILE, np.random.default_rng(0)))
    with pytest.raises(ValueError, match=r"\(n, m\) = \(608, 420\)") as info:
        codec.decode(other.encode(np.zeros(608, np.uint8)), y=x, p=0.05)
    assert not isinstance(info.value, coding.CorruptStreamError)  # a mismatch, not a damaged stream


def test_codec_bad_parameters(code_600):
    codec = sw.SyndromeCodec(code_600)
    x = np.zeros(600, np.uint8)
    stream = codec.encode(x)
    with pytest.raises(ValueError, match="p must be in"):
        codec.decode(stream, y=x, p=0.7)
    with pytest.raises(ValueError, match="p must be in"):
        codec.decode(stream, y=x, p=0.0)
    with pytest.raises(ValueError, match="binary"):
        codec.encode(np.full(600, 2))
    with pytest.raises(ValueError, match="length"):
        codec.encode(np.zeros(599, np.uint8))
    with pytest.raises(ValueError, match="length"):
        codec.decode(stream, y=np.zeros(601, np.uint8), p=0.1)
    with pytest.raises(ValueError, match="llr"):
        codec.decode(stream, llr=np.zeros(10))
    with pytest.raises(ValueError, match="exactly one"):
        codec.decode(stream, y=x)
    with pytest.raises(ValueError, match="schedule"):
        sw.SyndromeCodec(code_600, schedule="random")
    with pytest.raises(ValueError, match="shape"):
        sw.SyndromeCodec(code_600.T)


def test_soft_side_information_beats_hard():
    """BPSK over AWGN with σ = 0.8 (hard crossover Q(1/σ) = 0.106, h = 0.487; soft H(X|Y) ≈ 0.31):
    at R = 0.5 hard-decision decoding fails most frames, LLR decoding almost none."""
    n, sigma = 800, 0.8
    codec = sw.SyndromeCodec(sw.peg_ldpc(n, 400, PROFILE, np.random.default_rng(4)))
    rng = np.random.default_rng(7)
    hard_fail = soft_fail = 0
    for _ in range(20):
        x = rng.integers(0, 2, n, dtype=np.uint8)
        stream = codec.encode(x)
        y, llr = sw.bpsk_awgn_side_information(x, sigma, rng)
        y_hard = (y < 0).astype(np.uint8)
        try:
            assert np.array_equal(codec.decode(stream, y=y_hard, p=0.106), x)
        except sw.DecodingError:
            hard_fail += 1
        try:
            assert np.array_equal(codec.decode(stream, llr=llr), x)
        except sw.DecodingError:
            soft_fail += 1
    assert soft_fail <= 2 and hard_fail >= 12, (soft_fail, hard_fail)


def test_frame_error_rate_counts(code_600):
    codec = sw.SyndromeCodec(code_600)
    good = sw.frame_error_rate(codec, 0.03, 10, np.random.default_rng(0), progress=False)
    assert (good.frames, good.failures, good.undetected, good.fer) == (10, 0, 0, 0.0)
    assert good.fer_upper == pytest.approx(1 - 0.05 ** (1 / 10))  # Clopper–Pearson, 0 failures
    bad = sw.frame_error_rate(codec, 0.3, 5, np.random.default_rng(0), progress=False)
    assert bad.failures == 5 and bad.fer == 1.0 and bad.fer_upper == 1.0
    assert 0.0 < bad.ber_failed < 0.5
    with pytest.raises(ValueError, match="frames"):
        sw.frame_error_rate(codec, 0.1, 0, np.random.default_rng(0))


def test_fer_sweep_is_frame_error_rate_in_turn_on_one_rng(code_600):
    codecs = [sw.SyndromeCodec(code_600), sw.SyndromeCodec(code_600[:300])]
    sweep = sw.fer_sweep(codecs, 0.06, 6, np.random.default_rng(5))
    rng = np.random.default_rng(5)
    one_by_one = [sw.frame_error_rate(c, 0.06, 6, rng, progress=False) for c in codecs]
    assert [replace(r, seconds=0.0) for r in sweep] == [replace(r, seconds=0.0) for r in one_by_one]
    assert [r.rate for r in sweep] == [0.7, 0.5]
    soft = sw.fer_sweep(codecs[:1], 0.1, 4, np.random.default_rng(0), soft_sigma=0.5)
    assert soft[0].frames == 4 and soft[0].failures == 0
    with pytest.raises(ValueError, match="codecs"):
        sw.fer_sweep([], 0.1, 4, np.random.default_rng(0))


def test_syndrome_codecs_one_per_rate_in_order():
    codecs = sw.syndrome_codecs(200, [0.7, 0.5], seed=1, max_iter=20)
    assert list(codecs) == [0.7, 0.5]
    assert [(c.m, c.n, c.max_iter) for c in codecs.values()] == [(140, 200, 20), (100, 200, 20)]
    h = sw.load_or_build_code(200, 0.5, 1)
    assert (codecs[0.5].h != h).nnz == 0
    with pytest.raises(ValueError, match="rates"):
        sw.syndrome_codecs(200, [])


def test_fer_table_rows_per_rate_and_gaps():
    def res(rate, failures, frames):
        return sw.FERResult(rate=rate, p=0.11, frames=frames, failures=failures, undetected=0,
                            fer=failures / frames, fer_upper=1.0, confidence=0.95, ber_failed=0.0,
                            seconds=0.0)

    table = sw.fer_table({"n = 1000": [res(0.62, 1, 100), res(0.6, 3, 100)],
                          "n = 10000": [res(0.6, 0, 30), res(0.5601, 1, 30)]})
    assert table.splitlines() == [
        "  rate   n = 1000  n = 10000",
        " 0.560          ·       1/30",
        " 0.600      3/100       0/30",
        " 0.620      1/100          ·",
    ]
    with pytest.raises(ValueError, match="columns"):
        sw.fer_table({})


def test_rate_adaptive_family_picks_smallest_decodable(code_600):
    rng = np.random.default_rng(8)
    codes = [sw.peg_ldpc(600, m, PROFILE, np.random.default_rng(m)) for m in (150, 300, 420)]
    fam = sw.RateAdaptiveFamily(codes)
    assert fam.rates == [0.25, 0.5, 0.7]
    x = rng.integers(0, 2, 600, dtype=np.uint8)
    assert fam.smallest_rate(x, y=x, p=0.01) == 0.25  # y = x: the lowest rate decodes
    y = x ^ (rng.random(600) < 0.1).astype(np.uint8)
    # ~60 flips cannot be identified from 150 syndrome bits (2^150 << C(600, 60)); R = 0.7 > h(0.1) decodes
    r = fam.smallest_rate(x, y=y, p=0.1)
    assert r in (0.5, 0.7)
    with pytest.raises(sw.DecodingError):
        fam.codecs[0].decode(fam.codecs[0].encode(x), y=y, p=0.1)
    assert fam.smallest_rate(x, y=1 - x, p=0.1) == 1.0  # hopeless side information: send x uncoded


def test_incremental_codec_is_rate_compatible_and_adapts():
    h_min = sw.peg_ldpc(600, 240, PROFILE, np.random.default_rng(9))
    inc = sw.IncrementalSyndromeCodec(h_min, steps=12, rng=np.random.default_rng(0))
    assert [inc.rate(k) for k in (0, 6, 12)] == [0.4, 0.6, 0.8]
    rng = np.random.default_rng(10)
    x = rng.integers(0, 2, 600, dtype=np.uint8)
    stream = inc.encode(x)
    for k in (0, 5, 12):  # the split code at step k has H_min's column degrees and the right syndrome
        codec = inc.codec(k)
        assert codec.m == 240 + inc.splits(k) and codec.n == 600
        assert np.array_equal(np.asarray(codec.h.sum(axis=0)).ravel(), np.asarray(h_min.sum(axis=0)).ravel())
        assert not sw.has_four_cycles(codec.h)
    assert np.array_equal(inc.decode(stream, 0, y=x, p=0.01), x)
    y = x ^ (rng.random(600) < 0.1).astype(np.uint8)  # h(0.1) = 0.47 > 0.4: step 0 cannot work
    with pytest.raises(sw.DecodingError):
        inc.decode(stream, 0, y=y, p=0.1)
    r = inc.smallest_rate(x, y=y, p=0.1)
    assert 0.4 < r <= 0.8
    k = round((r * 600 - 240) / 240 * 12)
    assert np.array_equal(inc.decode(stream, k, y=y, p=0.1), x)
    assert len(stream) == sw.HEADER_BYTES + math.ceil(2 * 240 / 8)  # every increment is in the stream
    bad = bytearray(stream)
    bad[30] ^= 1
    with pytest.raises(coding.CorruptStreamError):
        inc.decode(bytes(bad), 12, y=y, p=0.1)
    with pytest.raises(coding.CorruptStreamError, match="kind"):  # an incremental stream is no plain "SW" one
        inc.codec(0).decode(stream, y=y, p=0.1)
    with pytest.raises(coding.CorruptStreamError, match="truncated"):
        inc.decode(stream[:-1], 12, y=y, p=0.1)
    with pytest.raises(ValueError, match="k must be"):
        inc.decode(stream, 13, y=y, p=0.1)


# ---------------------------------------------------------------------------------------------- binning


def _exact_binning_error(n: int, n_bins: int, p: float) -> float:
    """Exact error of random binning + ML (random tie-break) by enumerating z and the bins of the others.

    Bins are i.i.d. uniform, so take x = 0 and y = z with weight w. Each other sequence shares x's bin
    independently with probability q = 1/B; the decoder is right iff none of the c sequences strictly closer
    to y shares it and x wins the uniform tie-break against the T ~ Bin(t, q) equally close ones:
    P(correct | z) = (1 − q)^c · E[1/(1 + T)].
    """
    q = 1.0 / n_bins
    total = 0.0
    for z in itertools.product((0, 1), repeat=n):
        w = sum(z)
        pz = p**w * (1 - p) ** (n - w)
        dists = [sum(a ^ b for a, b in zip(s, z, strict=True)) for s in itertools.product((0, 1), repeat=n)]
        closer = sum(1 for s, d in zip(itertools.product((0, 1), repeat=n), dists, strict=True)
                     if d < w and any(s))
        ties = sum(1 for s, d in zip(itertools.product((0, 1), repeat=n), dists, strict=True)
                   if d == w and any(s))
        p_no_closer = (1 - q) ** closer
        e_tie = sum(math.comb(ties, t) * q**t * (1 - q) ** (ties - t) / (1 + t) for t in range(ties + 1))
        total += pz * p_no_closer * e_tie
    return 1.0 - total


def test_random_binning_matches_exact_enumeration():
    n, rate, p, trials = 4, 0.5, 0.2, 20000
    exact = _exact_binning_error(n, 2 ** math.ceil(n * rate), p)
    est = sw.random_binning_ml_error(n, rate, p, trials, np.random.default_rng(0))
    assert abs(est - exact) < 4 * math.sqrt(exact * (1 - exact) / trials), (est, exact)


def test_random_binning_limits():
    rng = np.random.default_rng(1)
    # rate → 0 leaves 2^⌈nR⌉ = 2 bins: ML then picks the closest word of half the space, error ≈ 1 − (1−p)^n
    exact = _exact_binning_error(6, 2, 0.2)
    assert 1 - 0.8**6 - 0.1 < exact < 1 - 0.8**6 + 1e-12
    est = sw.random_binning_ml_error(6, 0.01, 0.2, 4000, rng)
    assert abs(est - exact) < 4 * math.sqrt(exact * (1 - exact) / 4000)
    # large n at rate well above h(p): error small; n = 16 is fast thanks to vectorisation
    assert sw.random_binning_ml_error(16, 0.9, 0.05, 50, rng) <= 0.1
    with pytest.raises(ValueError, match="rate"):
        sw.random_binning_ml_error(4, 1.5, 0.1, 10, rng)
    with pytest.raises(ValueError, match="p must be"):
        sw.random_binning_ml_error(4, 0.5, 0.6, 10, rng)
    with pytest.raises(ValueError, match="n must be"):
        sw.random_binning_ml_error(30, 0.5, 0.1, 10, rng)


def test_required_rate_is_the_start_of_the_passing_tail():
    def res(rate, fer):
        return sw.FERResult(rate=rate, p=0.11, frames=100, failures=int(fer * 100), undetected=0, fer=fer,
                            fer_upper=1.0, confidence=0.95, ber_failed=0.0, seconds=0.0)

    # a lucky low rate below a failing one does not count: the tail must pass from the rate on
    results = [res(0.5, 0.0), res(0.55, 0.2), res(0.6, 0.01), res(0.65, 0.0)]
    assert sw.required_rate(results, 0.01) == 0.6
    assert sw.required_rate(results, 0.005) == 0.65
    assert sw.required_rate([res(0.6, 0.5)], 0.01) == math.inf
    with pytest.raises(ValueError, match="target_fer"):
        sw.required_rate(results, 0.0)


def test_binning_crossing_on_curves_at_their_used_rates():
    rates = np.array([0.2, 0.4, 0.6, 0.8])
    # n = 5: used rates 0.2, 0.4, 0.6, 0.8; n = 10: the same. Long curve crosses the short one at 0.5.
    short = np.array([0.5, 0.4, 0.3, 0.2])
    long_ = np.array([0.7, 0.5, 0.1, 0.0])
    c = sw.binning_crossing([5, 10], rates, np.stack([short, long_]))
    # linear interpolation: diff = 0.2, 0.1, −0.2 → zero at 0.4 + 0.2·(0.1/0.3)
    assert c == pytest.approx(0.4 + 0.2 / 3, abs=1e-4)
    assert np.isnan(sw.binning_crossing([5, 10], rates, np.stack([short, short + 0.1])))
    # a nominal rate is placed where its bins put it: n = 4 at R = 0.6, 0.9 uses 0.75, 1.0; the long curve
    # (n = 10 at 0.6, 0.9) has data on [0.6, 0.9], so only [0.75, 0.9] is searched: there the long one,
    # 0.5 − (5/3)(x − 0.6), is below the short one, 0.3 − 0.4(x − 0.75), everywhere: no crossing (at the
    # nominal rates the lines would cross at 0.75; with the short curve held flat below 0.75, at 0.72)
    c4 = sw.binning_crossing([4, 10], np.array([0.6, 0.9]), np.array([[0.3, 0.2], [0.5, 0.0]]))
    assert np.isnan(c4)
    # long 0.6 − (5/3)(x − 0.6) meets short 0.3 − 0.4(x − 0.75) inside [0.75, 0.9], at x = 1.0 / 1.2667
    c5 = sw.binning_crossing([4, 10], np.array([0.6, 0.9]), np.array([[0.3, 0.2], [0.6, 0.1]]))
    assert c5 == pytest.approx(1.0 / (5 / 3 - 0.4), abs=1e-4)
    with pytest.raises(ValueError, match="shape"):
        sw.binning_crossing([5], rates, short[None, :])


def test_a_code_that_is_not_shipped_is_built_once_and_cached_outside_the_source_tree(tmp_path, monkeypatch):
    monkeypatch.setenv("WZCORE_CACHE", str(tmp_path))
    assert sw.cache_dir() == tmp_path / "ldpc"
    name = sw.code_name(300, 160, 3)
    assert not (sw.SHIPPED_CODES / name).is_file()
    built = sw.load_or_build_code(300, 160 / 300, 3, progress=False)
    cached = tmp_path / "ldpc" / name
    assert cached.is_file() and not list((tmp_path / "ldpc").glob("*.tmp.npz"))
    assert (sw.load_or_build_code(300, 160 / 300, 3) != built).nnz == 0  # read back, not rebuilt
    cached.write_bytes(b"not a code")  # a damaged cache file is rebuilt and replaced
    assert (sw.load_or_build_code(300, 160 / 300, 3, progress=False) != built).nnz == 0
    assert (sw._read_code(cached, 300, 160) != built).nnz == 0


def test_a_custom_profile_is_never_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("WZCORE_CACHE", str(tmp_path))
    sw.load_or_build_code(200, 0.5, 1, profile={2: 0.5, 3: 0.5}, progress=False)
    assert not (tmp_path / "ldpc").exists()
