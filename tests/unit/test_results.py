import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from wzcore import profiles, results


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("WZ_RESULTS", str(tmp_path))
    return results.Run("_template", profiles.load("_template", "quick"))


def test_save_figure_writes_png_and_sidecar_with_provenance(run, tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    run.save_figure(fig, "line", {"x": np.array([0.0, 1.0]), "y": (1, np.float32(0.5))})
    plt.close(fig)
    side = json.loads((tmp_path / "quick" / "_template" / "line.json").read_text())
    assert side["data"] == {"x": [0.0, 1.0], "y": [1, 0.5]}
    for key in ("chapter", "profile", "seed", "commit", "date"):
        assert key in side
    assert (tmp_path / "quick" / "_template" / "line.png").stat().st_size > 1000


def test_empty_figure_data_is_rejected(run):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="data"):
        run.save_figure(fig, "empty", {})
    plt.close(fig)


def test_finish_prints_verdicts_and_raises_on_failure(run, capsys, tmp_path):
    run.claims.check("holds", True, "a true statement")
    run.claims.check("breaks", np.bool_(False), "a false statement", value=np.float64(2.5))
    with pytest.raises(results.ClaimFailed, match="breaks"):
        run.finish()
    out = capsys.readouterr().out.splitlines()
    assert out == ["PASS holds: a true statement", "FAIL breaks: a false statement"]
    saved = json.loads((tmp_path / "quick" / "_template" / "claims.json").read_text())
    assert [c["passed"] for c in saved["claims"]] == [True, False]
    assert saved["claims"][1]["evidence"] == {"value": 2.5}


def test_a_chapter_without_claims_fails(run):
    with pytest.raises(results.ClaimFailed, match="no claim"):
        run.finish()


def test_duplicate_or_bad_claim_names_are_rejected(run):
    run.claims.check("once", True, "ok")
    with pytest.raises(ValueError, match="twice"):
        run.claims.check("once", True, "ok")
    with pytest.raises(ValueError, match="identifier"):
        run.claims.check("not an id", True, "ok")


def test_non_finite_floats_become_null():
    assert results.to_jsonable({"a": float("nan"), "b": np.array([1.0, np.inf])}) == {"a": None, "b": [1.0, None]}
