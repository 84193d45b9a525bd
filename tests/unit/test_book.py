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
    assert book.find_chapter("02", tree).stem == "02_b"
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


def _executed(code: list[str], tags: list[list[str]], outputs: dict[int, str] | None = None) -> dict:
    nb = _nb(code, tags)
    nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "# 1. Title\n\nIntro prose."})
    for i, text in (outputs or {}).items():
        nb["cells"][i + 1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
    nb["metadata"]["wzcore"] = {"profile": "full", "code_sha256": "x", "seconds": 12.0, "commit": "abc123",
                                "date": "2026-01-02T03:04:05+00:00"}
    return nb


CHAPTER_CODE = ["PROFILE = 'auto'", "PROFILE = 'quick'", "import x\ncfg = load()\nprint(cfg.describe())",
                "y = 2", "# NBVAL_CHECK_OUTPUT\nrun.finish()"]
CHAPTER_TAGS = [["parameters"], ["injected-parameters"], [], ["hide-input"], []]


def test_hide_plumbing_tags_parameters_config_and_claim_cells():
    nb = _executed(CHAPTER_CODE, CHAPTER_TAGS)
    hidden = book.hide_plumbing(nb)
    tags = [c["metadata"].get("tags", []) for c in hidden["cells"][1:]]
    assert tags == [["parameters", "remove-cell"], ["injected-parameters", "remove-cell"], ["hide-cell"],
                    ["hide-input"], ["remove-input"]]
    assert nb["cells"][1]["metadata"]["tags"] == ["parameters"], "the input notebook is not modified"


def test_visible_lines_skip_removed_code_but_keep_verdicts():
    nb = _executed(CHAPTER_CODE, CHAPTER_TAGS, {2: "Config\n", 4: "PASS a: b\nPASS c: d\n"})
    lines = book.visible_lines(nb)
    assert (5, "output", "PASS c: d") in lines
    assert not any("PROFILE" in line or "NBVAL" in line for _, _, line in lines)
    assert (3, "code", "print(cfg.describe())") in lines  # collapsed, still one click away


def test_provenance_note_goes_under_the_title(tmp_path, monkeypatch):
    monkeypatch.setenv("WZ_RESULTS", str(tmp_path))
    nb = _executed(CHAPTER_CODE, CHAPTER_TAGS)
    prov = book.page_provenance(nb, "01_a")
    assert prov["profile"] == "full" and prov["commit"] == "abc123"
    out = book.add_provenance_note(nb, book.provenance_note(prov))
    first = out["cells"][0]["source"]
    assert first.startswith("# 1. Title\n\n:::{note}\n:class: wz-provenance\n")
    assert "**full**" in first and "`abc123`" in first
    assert first.endswith("Intro prose.")
    with pytest.raises(ValueError, match="profile"):
        book.page_provenance(_nb(["x = 1"]), "01_a")


def test_md_cell_escapes_pipes_and_newlines():
    assert book.md_cell("R_X = H(X|Y)\nand more") == "R_X = H(X\\|Y) and more"


def _record(results: Path, profile: str, stem: str, claims: list[dict]) -> None:
    d = results / profile / stem
    d.mkdir(parents=True)
    run = {"profile": profile, "seed": 0, "commit": f"c-{profile}", "date": "2026-01-01", "seconds": 3.0,
           "hardware": {"cpu": "cpu", "cores": 2, "gpu": "none"}, "versions": {"numpy": "2"}}
    (d / "run.json").write_text(json.dumps(run))
    (d / "claims.json").write_text(json.dumps({"claims": claims}))


def test_reproducibility_page_shows_full_numbers_quick_verdicts_and_figure_links(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("WZ_RESULTS", str(tmp_path / "results"))
    claim = {"name": "corner", "passed": True, "statement": "R_X = H(X|Y)", "evidence": {"gap": 0.012345678},
             "figure": "rate_regions"}
    _record(tmp_path / "results", "full", "01_a", [claim])
    _record(tmp_path / "results", "quick", "01_a", [{**claim, "passed": False, "evidence": {"gap": 9.0}}])
    chapters = book.toc_chapters(tree)
    page = book.reproducibility_page("quick", chapters, "# Reproducibility\n")
    row = next(line for line in page.splitlines() if line.startswith("| `corner`"))
    assert row == "| `corner` | PASS | FAIL | {numref}`fig-rate-regions` | R_X = H(X\\|Y) | gap = 0.01235 |"
    assert "commit `c-full`" in page and "commit `c-quick`" in page and "none recorded yet" in page
    committed = book.reproducibility_page(None, chapters, "# Reproducibility\n")
    assert "| claim | full | figure |" in committed and "c-quick" not in committed
    with pytest.raises(ValueError, match="profile"):
        book.reproducibility_page("auto", chapters, "")


def _stageable(tree: Path) -> None:
    for name in book.STATIC_FILES:
        (tree / name).touch()
    (tree / "_toc.yml").write_text(TOC)
    (tree / "chapters" / "reproducibility.md").write_text("# Reproducibility\n")
    (tree / "_static").mkdir()
    (tree / "_static" / "custom.css").write_text("/* */")


def test_stage_refuses_a_chapter_that_was_not_executed(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("WZ_RESULTS", str(tmp_path / "results"))
    _stageable(tree)
    with pytest.raises(FileNotFoundError, match="01_a"):
        book.stage("quick", root=tree)
    with pytest.raises(ValueError, match="profile"):
        book.stage("auto", root=tree)


def test_stage_committed_hides_plumbing_notes_provenance_and_marks_the_site(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("WZ_RESULTS", str(tmp_path / "results"))
    _stageable(tree)
    for stem in ("01_a", "02_b"):
        (tree / "chapters" / f"{stem}.ipynb").write_text(json.dumps(_executed(CHAPTER_CODE, CHAPTER_TAGS)))
    site = book.stage(None, root=tree)
    assert site.name == book.COMMITTED
    assert sorted(p.name for p in (site / "chapters").iterdir()) == [
        "01_a.ipynb", "01_a_more.md", "02_b.ipynb", "extending.md", "reproducibility.md"]
    assert (site / "_static" / "custom.css").exists()
    staged = json.loads((site / "chapters" / "01_a.ipynb").read_text())
    assert "remove-cell" in staged["cells"][1]["metadata"]["tags"]
    assert ":::{note}" in staged["cells"][0]["source"]
    marker = json.loads((site / "_extra" / book.SITE_MARKER).read_text())
    assert marker["source"] == "committed" and marker["chapters"]["02_b"] == {"profile": "full", "commit": "abc123"}
    assert "## Runs and claims" in (site / "chapters" / "reproducibility.md").read_text()


def test_mathjax_trim_keeps_the_entry_fonts_and_tex_extensions(tmp_path):
    import importlib.util

    path = Path(book.__file__).parents[1] / "_ext" / "mathjax_trim.py"
    spec = importlib.util.spec_from_file_location("mathjax_trim", path)
    trim = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trim)
    keep = ["tex-chtml.js", "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff", "input/tex/extensions/cancel.js"]
    drop = ["tex-svg.js", "sre/mathmaps/en.json", "output/svg.js", "a11y/explorer.js", "output/chtml/fonts/tex.js"]
    for name in keep + drop:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x" * 10)
    assert trim.trim(tmp_path, "tex-chtml.js") == (3, 50)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == sorted(keep)
    assert not (tmp_path / "sre").exists()
    with pytest.raises(ValueError, match="entry"):
        trim.trim(tmp_path, "tex-mml-chtml.js")
