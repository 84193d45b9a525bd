"""The book pipeline: toc parsing, code hashes, adopting executed notebooks, staging the site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wzcore import book

TOC = """format: jb-book
root: intro
parts:
  - caption: Chapters
    chapters:
      - file: chapters/01_a
        sections:
          - file: chapters/01_a_more
      - file: chapters/02_b
  - caption: Pages
    chapters:
      - file: chapters/extending
"""


def _nb(code: list[str], tags: list[list[str]] | None = None) -> dict:
    tags = tags or [[] for _ in code]
    cells = [{"cell_type": "code", "metadata": {"tags": t}, "source": s, "outputs": [], "execution_count": None}
             for s, t in zip(code, tags, strict=True)]
    return {"cells": cells, "metadata": {"wzcore": {}}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_toc.yml").write_text(TOC)
    for name in ("01_a", "02_b"):
        (tmp_path / "chapters" / f"{name}.ipynb").write_text(json.dumps(_nb(["PROFILE = 'auto'", "x = 1"])))
    for name in ("01_a_more", "extending"):
        (tmp_path / "chapters" / f"{name}.md").write_text("# page\n")
    return tmp_path


def test_toc_files_walks_parts_chapters_and_sections(tree):
    assert book.toc_files(tree) == ["intro", "chapters/01_a", "chapters/01_a_more", "chapters/02_b",
                                    "chapters/extending"]
    assert [c.stem for c in book.toc_chapters(tree)] == ["01_a", "02_b"]


def test_find_chapter_by_stem_or_number(tree):
    assert book.find_chapter("2", tree).stem == "02_b"
    assert book.find_chapter("01_a", tree).stem == "01_a"
    with pytest.raises(ValueError, match="01_a"):
        book.find_chapter("7", tree)


def test_code_hash_ignores_injected_parameters_and_outputs_but_not_code():
    base = _nb(["PROFILE = 'auto'", "x = 1"])
    injected = _nb(["PROFILE = 'auto'", "PROFILE = 'full'", "x = 1"], [[], ["injected-parameters"], []])
    with_output = _nb(["PROFILE = 'auto'", "x = 1"])
    with_output["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    assert book.code_hash(base) == book.code_hash(injected) == book.code_hash(with_output)
    assert book.code_hash(base) != book.code_hash(_nb(["PROFILE = 'auto'", "x = 2"]))


def test_adopt_strips_the_injected_cell_and_stamps_the_hash(tree):
    ch = book.find_chapter("01", tree)
    executed = _nb(["PROFILE = 'auto'", "PROFILE = 'full'", "x = 1"], [["parameters"], ["injected-parameters"], []])
    executed["metadata"]["wzcore"] = {"profile": "full", "code_sha256": "stale"}
    out = book.executed_dir("full", tree) / "01_a.ipynb"
    out.parent.mkdir(parents=True)
    out.write_text(json.dumps(executed))
    book.adopt(ch, "full", tree)
    adopted = json.loads(ch.path.read_text())
    assert [c["source"] for c in adopted["cells"]] == ["PROFILE = 'auto'", "x = 1"]
    assert adopted["metadata"]["wzcore"]["code_sha256"] == book.code_hash(adopted)


def test_stage_refuses_a_chapter_that_was_not_executed(tree):
    for name in book.STATIC_FILES:
        (tree / name).touch()
    (tree / "chapters" / "reproducibility.md").write_text("# Reproducibility\n")
    with pytest.raises(FileNotFoundError, match="01_a"):
        book.stage("quick", root=tree)
    site = book.stage("quick", committed=True, root=tree)
    assert sorted(p.name for p in (site / "chapters").iterdir()) == [
        "01_a.ipynb", "01_a_more.md", "02_b.ipynb", "extending.md", "reproducibility.md"]
