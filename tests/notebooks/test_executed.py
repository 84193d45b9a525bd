"""Guard: every toc chapter really executed in this run (no stale notebook can pass), and what the page
shows of it fits the column (no code or output line wider than 88 characters)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from wzcore import book
from wzcore.results import results_dir

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = book.toc_chapters(ROOT)
MAX_AGE_S = 6 * 3600


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_executed_recently_by_papermill(chapter, profile):
    path = book.executed_dir(profile, ROOT) / f"{chapter.stem}.ipynb"
    assert path.exists(), f"{chapter.stem} was not executed with profile {profile} (python -m wzcore run)"
    nb = json.loads(path.read_text())
    pm = nb["metadata"].get("papermill", {})
    assert pm.get("duration") is not None and pm.get("exception") is not True, "papermill did not finish"
    assert pm["parameters"] == {"PROFILE": profile}
    assert nb["metadata"]["wzcore"]["code_sha256"] == book.code_hash(json.loads(chapter.path.read_text()))
    assert time.time() - path.stat().st_mtime < MAX_AGE_S, f"{path} is older than this run"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not any(o.get("output_type") == "error" for o in cell["outputs"])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_every_claim_passed_and_was_recorded(chapter, profile):
    saved = json.loads((results_dir(profile, chapter.stem) / "claims.json").read_text())
    assert saved["claims"], f"{chapter.stem}: no claims recorded"
    assert all(c["passed"] for c in saved["claims"]), [c["name"] for c in saved["claims"] if not c["passed"]]
    run = json.loads((results_dir(profile, chapter.stem) / "run.json").read_text())
    assert run["profile"] == profile and run["figures"], f"{chapter.stem}: the run saved no figure"
    for fig in run["figures"]:
        side = json.loads((results_dir(profile, chapter.stem) / f"{fig}.json").read_text())
        assert side["data"], f"{chapter.stem}/{fig}: empty sidecar"


COLUMN = 88  # characters: wider code or output lines scroll sideways on the page (and cut PASS lines)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_no_visible_line_is_wider_than_the_column(chapter, profile):
    path = book.executed_dir(profile, ROOT) / f"{chapter.stem}.ipynb"
    assert path.exists(), f"{chapter.stem} was not executed with profile {profile} (python -m wzcore run)"
    wide = [(i, kind, len(line), line) for i, kind, line in book.visible_lines(json.loads(path.read_text()))
            if len(line) > COLUMN]
    report = "\n".join(f"  cell {i} {kind} ({n} chars): {line[:100]}" for i, kind, n, line in wide[:20])
    if wide:
        pytest.fail(f"{chapter.stem}: {len(wide)} line(s) wider than {COLUMN} characters:\n{report}")
