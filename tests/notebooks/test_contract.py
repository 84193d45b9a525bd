"""The chapter contract: what every notebook in ``_toc.yml`` must have (DESIGN.md §3–4).

A new author copies ``chapters/_template.ipynb``; these tests say what is still missing.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from wzcore import book, profiles

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = book.toc_chapters(ROOT)
IDS = [c.stem for c in CHAPTERS]
sys_path_py2nb = ROOT / "tools"


def _nb(chapter: book.Chapter) -> dict:
    return json.loads(chapter.path.read_text())


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _code(nb: dict) -> str:
    return "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")


def test_toc_lists_notebook_chapters():
    assert CHAPTERS, "_toc.yml lists no notebook chapter"


def test_every_chapter_file_is_in_the_toc():
    listed = set(book.toc_files(ROOT))
    for path in sorted((ROOT / "chapters").glob("*")):
        if path.suffix in (".ipynb", ".md") and not path.name.startswith("_"):
            assert f"chapters/{path.stem}" in listed, f"{path.name} is not listed in _toc.yml"


def test_every_toc_entry_exists():
    for entry in book.toc_files(ROOT):
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), f"{entry} in _toc.yml is missing"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_one_parameters_cell_holding_only_profile(chapter):
    cells = [c for c in _nb(chapter)["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{chapter.stem}: needs exactly one cell tagged 'parameters', found {len(cells)}"
    tree = ast.parse(_source(cells[0]))
    assigned = [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets]
    assert assigned == ["PROFILE"], f"{chapter.stem}: the parameters cell must hold only PROFILE = 'auto'"
    assert ast.literal_eval(tree.body[0].value) == "auto"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_chapter_loads_its_registered_profile(chapter):
    code = _code(_nb(chapter))
    assert chapter.stem in profiles.chapters(), (
        f"no config registered for {chapter.stem}: add a module wzcore/profiles/chNN_<name>.py "
        "(see chapters/extending.md)")
    assert re.search(r"profiles\.load\(\s*CHAPTER\s*,\s*PROFILE\s*\)", code) and \
        re.search(rf"CHAPTER\s*=\s*['\"]{chapter.stem}['\"]", code), \
        f"{chapter.stem}: set CHAPTER = '{chapter.stem}' and call profiles.load(CHAPTER, PROFILE)"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_every_config_field_is_read(chapter):
    code = _code(_nb(chapter))
    cfg = profiles.load(chapter.stem, "quick")
    unread = [name for name in cfg.fields() if not re.search(rf"\bcfg\.{name}\b", code)]
    assert not unread, f"{chapter.stem}: config fields never read by the notebook: {unread}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_claims_cell_checks_claims_and_finishes(chapter):
    cells = [_source(c) for c in _nb(chapter)["cells"] if c["cell_type"] == "code"]
    claim_cells = [s for s in cells if "# NBVAL_CHECK_OUTPUT" in s]
    assert claim_cells, f"{chapter.stem}: needs a claims cell marked '# NBVAL_CHECK_OUTPUT'"
    assert "run.finish()" in claim_cells[-1], f"{chapter.stem}: the last claims cell must end with run.finish()"
    assert "run.finish()" in cells[-1], f"{chapter.stem}: run.finish() belongs in the last code cell"
    assert sum(s.count("claims.check(") for s in cells) >= 1, f"{chapter.stem}: states no claim"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_kernel_metadata_and_committed_outputs(chapter):
    nb = _nb(chapter)
    assert nb["metadata"]["kernelspec"]["language"] == "python"
    assert "language_info" in nb["metadata"]
    meta = nb["metadata"].get("wzcore")
    assert meta, f"{chapter.stem}: commit an executed notebook (make book; make adopt)"
    assert meta["code_sha256"] == book.code_hash(nb), (
        f"{chapter.stem}: committed outputs are stale (code changed since the run): re-run and `make adopt`")
    last = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    assert any("PASS " in "".join(o.get("text", "")) for o in last["outputs"]), \
        f"{chapter.stem}: the committed claims cell shows no verdict"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_notebook_matches_its_percent_source(chapter):
    src = ROOT / "chapters" / "src" / f"{chapter.stem}.py"
    if not src.exists():
        pytest.skip("no percent-format source for this chapter")
    import sys

    sys.path.insert(0, str(sys_path_py2nb))
    from py2nb import convert

    want = [(c["cell_type"], c["source"]) for c in convert(src.read_text())["cells"]]
    have = [(c["cell_type"], _source(c)) for c in _nb(chapter)["cells"]]
    assert have == want, f"{chapter.stem}: notebook and chapters/src/{src.name} differ: rebuild with tools/py2nb.py"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.stem)
def test_every_glued_figure_has_its_label(chapter):
    """``{glue:figure} name`` carries ``:name: fig-<name with dashes>`` (book.figure_label): the label the
    prose and the reproducibility page refer to."""
    text = "\n".join(_source(c) for c in _nb(chapter)["cells"] if c["cell_type"] == "markdown")
    pairs = re.findall(r"```\{glue:figure\}\s+(\w+)\s*\n:name:\s*(\S+)", text)
    assert pairs, f"{chapter.stem}: no captioned {{glue:figure}}"
    bad = [(name, label) for name, label in pairs if label != book.figure_label(name)]
    assert not bad, f"{chapter.stem}: figure labels must be book.figure_label(name): {bad}"
