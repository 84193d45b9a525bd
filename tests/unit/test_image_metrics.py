import numpy as np
import pytest

from wzcore.image import metrics


def test_psnr_of_a_known_error():
    x = np.full((4, 4), 0.5)
    assert metrics.psnr(x, x + 0.1) == pytest.approx(20.0)
    assert metrics.psnr(x, x) == float("inf")
    with pytest.raises(ValueError, match="shape"):
        metrics.psnr(x, x[:2])


def test_ms_ssim_is_one_on_identical_images_and_falls_with_noise():
    rng = np.random.default_rng(0)
    x = rng.random((192, 192))
    assert metrics.ms_ssim(x, x) == pytest.approx(1.0, abs=1e-6)
    noisy = [metrics.ms_ssim(x, np.clip(x + s * rng.standard_normal(x.shape), 0, 1)) for s in (0.02, 0.1)]
    assert 1 > noisy[0] > noisy[1]
    with pytest.raises(ValueError, match="160"):
        metrics.ms_ssim(x[:100], x[:100])


def test_bd_rate_of_a_curve_with_ten_percent_fewer_bits():
    # the same qualities at 0.9 times the rate: the log-rate difference is log 0.9 everywhere, so the
    # Bjontegaard delta is exactly -10 %
    anchor = {"bpp": [0.1, 0.2, 0.4, 0.8], "psnr": [26.0, 29.0, 32.0, 35.0]}
    test = {"bpp": [0.09, 0.18, 0.36, 0.72], "psnr": [26.0, 29.0, 32.0, 35.0]}
    assert metrics.bd_rate(anchor, test) == pytest.approx(-10.0, abs=1e-6)
    assert metrics.bd_rate(anchor, anchor) == pytest.approx(0.0, abs=1e-9)
    assert metrics.bd_overlap(anchor, test) == pytest.approx(1.0)
    higher = {"bpp": [0.2, 0.4, 0.8, 1.6], "psnr": [32.0, 35.0, 38.0, 41.0]}  # shares 32..35 of 26..41
    assert metrics.bd_overlap(anchor, higher) == pytest.approx(3 / 15)


def test_pillow_codecs_count_their_bytes_and_follow_quality():
    rng = np.random.default_rng(1)
    img = np.clip(np.cumsum(rng.normal(0, 0.03, (64, 64)), axis=0) + 0.5, 0, 1)
    for fmt in metrics.FORMATS:
        lo_bytes, lo_img = metrics.pillow_codec(img, fmt, 10)
        hi_bytes, hi_img = metrics.pillow_codec(img, fmt, 90)
        assert len(hi_bytes) > len(lo_bytes)
        assert metrics.psnr(img, hi_img) > metrics.psnr(img, lo_img)
        assert metrics.bpp(lo_bytes, img.shape) == 8 * len(lo_bytes) / 64**2
    with pytest.raises(ValueError, match="quality"):
        metrics.pillow_codec(img, "JPEG", 0)


def test_dominated_points_are_dropped_before_bd_rate():
    rate, loss = metrics.efficient_points(np.array([0.4, 0.1, 0.2, 0.3]), np.array([0.02, 0.05, 0.03, 0.04]))
    np.testing.assert_array_equal(rate, [0.1, 0.2, 0.4])  # 0.3 bpp at a larger loss than 0.2 bpp is dominated
    np.testing.assert_array_equal(loss, [0.05, 0.03, 0.02])
    with pytest.raises(ValueError, match="efficient points"):
        metrics.efficient_points(np.array([0.1, 0.2]), np.array([0.01, 0.02]))
