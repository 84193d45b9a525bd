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


def test_save_figure_glues_closes_and_writes_a_200_dpi_png(run, tmp_path, monkeypatch):
    glued = []
    monkeypatch.setattr("myst_nb.glue", lambda name, obj, display=True: glued.append((name, obj, display)))
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    run.save_figure(fig, "tiny", {"x": [0, 1]})
    assert glued == [("tiny", fig, False)]
    assert not plt.fignum_exists(fig.number), "a saved figure is closed (the page shows the glued one)"
    from PIL import Image

    with Image.open(tmp_path / "quick" / "_template" / "tiny.png") as im:
        assert im.size[0] >= 2 * results.FIGURE_DPI * 0.8  # 2 inches wide at 200 dpi, less the tight bbox
    with pytest.raises(ValueError, match="twice"):
        run.save_figure(plt.figure(), "tiny", {"x": [0]})
    with pytest.raises(ValueError, match="figure name"):
        run.save_figure(plt.figure(), "no-dash", {"x": [0]})
    plt.close("all")


def test_a_glue_key_is_used_once_figures_included(run, monkeypatch):
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    run.glue("rate", 1.0)
    with pytest.raises(ValueError, match="'rate' is used twice"):
        run.glue("rate", 2.0)
    run.save_figure(plt.figure(), "picture", {"x": [0]})
    with pytest.raises(ValueError, match="'picture' is used twice"):
        run.glue("picture", 3.0)
    with pytest.raises(ValueError, match="non-empty"):
        run.save_figure(plt.figure(), "empty", {})
    run.glue("empty", 5.0)  # a refused figure does not claim its name
    run.glue("other", 4.0)
    assert run.glued == {"rate", "picture", "empty", "other"}
    plt.close("all")


def test_a_new_run_removes_the_figures_of_the_previous_one(run, tmp_path):
    stale = tmp_path / "quick" / "_template" / "renamed_figure.json"
    stale.write_text("{}")
    results.Run("_template", run.config)
    assert not stale.exists()


def test_claims_record_the_figure_that_is_their_evidence(run, tmp_path, monkeypatch):
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    fig, _ = plt.subplots()
    run.save_figure(fig, "evidence", {"x": [1]})
    run.claims.check("shown", True, "a statement", figure="evidence", margin=0.5)
    run.finish()
    saved = json.loads((tmp_path / "quick" / "_template" / "claims.json").read_text())["claims"][0]
    assert saved["figure"] == "evidence" and saved["evidence"] == {"margin": 0.5}
    with pytest.raises(ValueError, match="figure"):
        run.claims.check("bad", True, "x", figure="not a name")


def test_a_claim_naming_an_unsaved_figure_is_an_error(run):
    run.claims.check("dangling", True, "a statement", figure="never_saved")
    with pytest.raises(ValueError, match="never_saved"):
        run.finish()


def test_verdict_line_is_the_one_format():
    assert results.verdict_line("a", True, "s") == "PASS a: s"
    assert results.verdict_line("a", False, "s") == "FAIL a: s"
    assert results.Claim("a", True, "s").verdict() == "PASS a: s"


def test_chapter_id_by_stem_or_number():
    known = ["01_slepian_wolf", "02_wyner_ziv", "_template"]
    assert results.chapter_id("02", known) == results.chapter_id("2", known) == "02_wyner_ziv"
    assert results.chapter_id("_template", known) == "_template"
    with pytest.raises(ValueError, match=r"chapter must be one of .*01_slepian_wolf.*register"):
        results.chapter_id("7", known, hint="register it")
