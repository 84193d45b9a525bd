"""Tests for the one wzcore stream format (wzcore.coding.write_frame / read_frame): layout, round trips,
concatenation, and every kind of damage raising CorruptStreamError."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wzcore import coding
from wzcore.coding import CorruptStreamError, read_frame, write_frame


def test_layout_is_the_documented_little_endian_one():
    f = write_frame("AB", b"hd", b"ppp")
    body = b"WZ" + b"AB" + bytes([coding.FRAME_VERSION]) + (2).to_bytes(2, "little") + (3).to_bytes(4, "little")
    body += b"hd" + b"ppp"
    assert f == body + zlib.crc32(body).to_bytes(4, "little")
    assert coding.FRAME_OVERHEAD == 15 == len(write_frame("XY", b"", b""))
    assert coding.frame_bits(f) == 8 * len(f) == 8 * (coding.FRAME_OVERHEAD + 5)
    assert coding.HEADER_BYTES == coding.FRAME_OVERHEAD + 12  # categorical frames: n, K, crc_sym


@settings(max_examples=50, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(["AC", "SW", "NQ", "NT", "z9"]), st.binary(max_size=300),
                                st.binary(max_size=3000)), min_size=1, max_size=4),
       tail=st.binary(max_size=20))
def test_round_trip_and_concatenation(parts, tail):
    stream = b"".join(write_frame(*p) for p in parts) + tail
    rest = stream
    for kind, header, payload in parts:
        assert coding.frame_bits(rest) == 8 * (coding.FRAME_OVERHEAD + len(header) + len(payload))
        first, after = coding.split_stream(rest, kind)
        h, p, rest = read_frame(rest, kind)
        assert (h, p, rest) == (header, payload, after)
        assert first == write_frame(kind, header, payload)
    assert rest == tail


def test_every_single_bit_flip_raises():
    f = write_frame("NQ", b"\x01\x02\x03\x04", bytes(range(40)))
    for i in range(8 * len(f)):
        bad = bytearray(f)
        bad[i // 8] ^= 1 << (i % 8)
        with pytest.raises(CorruptStreamError):
            read_frame(bytes(bad), "NQ")


def test_each_damage_has_its_message():
    f = write_frame("SW", b"head", b"payload")
    with pytest.raises(CorruptStreamError, match="magic"):
        read_frame(b"XZ" + f[2:], "SW")
    with pytest.raises(CorruptStreamError, match="kind"):
        read_frame(f, "AC")
    with pytest.raises(CorruptStreamError, match="kind"):
        coding.split_stream(f, "AC")
    # a well-formed frame (valid CRC) of a version this library does not know
    body = struct.pack("<2s2sBHI", b"WZ", b"SW", coding.FRAME_VERSION + 1, 4, 7) + b"head" + b"payload"
    with pytest.raises(CorruptStreamError, match="version"):
        read_frame(body + struct.pack("<I", zlib.crc32(body)), "SW")
    for cut in range(len(f)):
        with pytest.raises(CorruptStreamError, match="truncated"):
            read_frame(f[:cut], "SW")
    with pytest.raises(CorruptStreamError, match="CRC"):
        read_frame(f[:-1] + bytes([f[-1] ^ 0x80]), "SW")
    with pytest.raises(CorruptStreamError, match="CRC"):
        read_frame(f[:20] + bytes([f[20] ^ 1]) + f[21:], "SW")
    assert issubclass(CorruptStreamError, ValueError)
    # bytes-like input is accepted
    assert read_frame(bytearray(f), "SW") == (b"head", b"payload", b"")
    assert read_frame(memoryview(f + b"!"), "SW") == (b"head", b"payload", b"!")


@pytest.mark.parametrize("kind", ["A", "ABC", "", "é1", "A\n", " A", 12, None, b"AC"])
def test_bad_kind_raises_value_error(kind):
    with pytest.raises(ValueError, match="kind must be a string of 2 printable ASCII"):
        write_frame(kind, b"", b"")
    with pytest.raises(ValueError, match="kind must be"):
        read_frame(write_frame("AC", b"", b""), kind)


def test_header_size_limit():
    assert len(write_frame("AC", b"h" * 65535, b"")) == coding.FRAME_OVERHEAD + 65535
    with pytest.raises(ValueError, match="header must have at most 65535 bytes"):
        write_frame("AC", b"h" * 65536, b"")
