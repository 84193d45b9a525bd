import numpy as np
import pytest
import torch

from wzcore.coding import CorruptStreamError
from wzcore.image import fit, metrics
from wzcore.image.models import GDN, Hyperprior, JointCodec, RowAttention, SideDecoder, block_match


@pytest.fixture
def image(one_torch_thread):
    rng = np.random.default_rng(0)
    x = np.clip(np.cumsum(rng.normal(0, 0.05, (70, 100)), axis=1) + 0.5, 0, 1)
    return metrics.to_tensor(x), metrics.to_tensor(np.roll(x, -3, axis=1))


def _codecs():
    torch.manual_seed(0)
    base = Hyperprior(8, 8, 4).eval()
    return {"p2p": base, "attention": SideDecoder(base, "attention", 16).eval(),
            "refine": SideDecoder(base, "refine", 16).eval(), "joint": JointCodec(8, 8, 4, 16).eval()}


@pytest.mark.parametrize("name", ["p2p", "attention", "refine", "joint"])
def test_stream_decodes_to_the_models_own_reconstruction(image, name):
    x, y = image
    codec = _codecs()[name]
    stream = codec.compress(x, y)
    x_hat = codec.decompress(stream, y)
    assert x_hat.shape == x.shape
    assert torch.equal(x_hat, codec.reconstruct(x, y))
    assert metrics.bpp(stream, x.shape) == 8 * len(stream) / (70 * 100)


def test_side_decoders_send_the_point_to_point_bytes(image):
    x, y = image
    c = _codecs()
    assert c["attention"].compress(x, y) == c["p2p"].compress(x)


def test_a_corrupted_stream_raises(image):
    x, _ = image
    codec = _codecs()["p2p"]
    stream = bytearray(codec.compress(x))
    stream[len(stream) // 2] ^= 0x10
    with pytest.raises(CorruptStreamError):
        codec.decompress(bytes(stream))


def test_bad_input_is_refused(image):
    x, _ = image
    with pytest.raises(ValueError, match="kind"):
        SideDecoder(Hyperprior(4, 4, 4), "warp")
    with pytest.raises(ValueError, match="multiples of 32"):
        Hyperprior(4, 4, 4)(x)
    with pytest.raises(ValueError, match="side view"):
        JointCodec(4, 4, 4).compress(x)
    with pytest.raises(ValueError, match="crop"):
        fit.TrainSpec(crop=100)


def test_gdn_with_zero_coupling_and_unit_offset_is_the_identity():
    g = GDN(3)
    with torch.no_grad():
        g.gamma.zero_()
    u = torch.randn(2, 3, 4, 4)
    torch.testing.assert_close(g(u), u)


def test_block_matching_finds_a_constant_disparity():
    rng = np.random.default_rng(3)
    y = torch.as_tensor(rng.random((1, 1, 32, 64)), dtype=torch.float32)
    x = torch.roll(y, 5, dims=-1)  # x(c) = y(c - 5)
    x = 0.8 * x + 0.1  # an exposure change does not mislead it
    y_al, d = block_match(x, y, 12)
    assert torch.all(d[..., 8:-8, 16:-8] == 5)
    torch.testing.assert_close(y_al[..., 16:-8], y[..., 11:-13])


def test_row_attention_offsets_stay_in_range():
    att = RowAttention(4, 6)
    out, off = att(torch.randn(1, 4, 5, 20), torch.randn(1, 4, 5, 20))
    assert out.shape == (1, 4, 5, 20) and off.shape == (1, 1, 5, 20)
    assert off.min() >= 0 and off.max() <= 6


def test_training_is_reproducible_and_weights_round_trip(tmp_path, one_torch_thread):
    spec = fit.TrainSpec(N=4, M=4, Nh=4, crop=64, pairs=8, batch=2, steps=3)
    a, _ = fit.fit_codec("p2p", 0.01, spec)
    b, _ = fit.fit_codec("p2p", 0.01, spec)
    assert all(torch.equal(a[k], b[k]) for k in a)
    side, _ = fit.fit_codec("concat", 0.01, spec, a)
    assert not any(k.startswith("base.") for k in side)
    fit.save_codecs(tmp_path / "w.pt", {"p2p@0.01": a, "concat@0.01": side}, spec, {"commit": "x"})
    codecs, spec2, prov, sha = fit.load_codecs(tmp_path / "w.pt")
    assert spec2 == spec and prov == {"commit": "x"} and len(sha) == 64
    assert torch.equal(codecs["concat@0.01"].base.g_a_high[0].weight, a["g_a_high.0.weight"].float())
    with pytest.raises(ValueError, match="base_state"):
        fit.fit_codec("joint", 0.01, spec)
