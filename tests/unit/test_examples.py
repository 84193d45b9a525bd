"""The usage page's three examples (examples/*.py) run as a researcher would run them: a fresh process,
another working directory, wzcore imported as an installed package; each asserts its own result."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["WZCORE_CACHE"] = str(tmp_path / "cache")  # nothing may be built: the codes it needs are shipped
    out = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_every_example_is_on_the_usage_page():
    page = (EXAMPLES.parent / "chapters" / "usage.md").read_text()
    scripts = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert len(scripts) == 3 and all(f"../examples/{s}" in page for s in scripts)


def test_slepian_wolf_round_trip_loads_the_shipped_code_in_under_a_second(tmp_path):
    out = run_example("sw_dsbs_roundtrip.py", tmp_path)
    load_s = float(out.split("code loaded in ")[1].split(" s")[0])
    assert load_s < 1.0
    assert "727 bytes for 10000 bits" in out  # header (27 bytes) + 5600 syndrome bits
    assert not (tmp_path / "cache").exists()


def test_wyner_ziv_blahut_arimoto_example(tmp_path):
    out = run_example("wz_blahut_arimoto.py", tmp_path)
    assert len(out.strip().splitlines()) == 5


@pytest.mark.slow
def test_learned_quantizer_bitstream_example(tmp_path):
    out = run_example("learned_vq_bitstream.py", tmp_path)
    rate = float(out.split("bytes for 20000 samples: ")[1].split(" bit")[0])
    r_x = float(out.split("R_X(D) = ")[1].split(" bit")[0])
    assert rate < r_x, out  # a real bitstream below the point-to-point bound: binning at work
