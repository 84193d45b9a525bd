"""The claims that the committed (full-run) notebooks make still hold in this run, verdict for verdict.

For every toc chapter, the stream outputs of the cells marked ``# NBVAL_CHECK_OUTPUT`` in this run's
executed notebook (``_build/executed/<profile>/<stem>.ipynb``, written by papermill in ``make test``)
must equal those of the committed notebook (``chapters/<stem>.ipynb``), after the regex replacements of
``tests/nbval_sanitize.cfg``. This is nbval's ``--nbval-lax`` comparison with the same sanitizer
semantics (streams merged per name, ``\\r``/``\\b`` resolved, the patterns applied in file order), but on
the notebooks papermill already executed: every chapter runs once. ``make nbval`` still re-executes the
committed notebooks with nbval itself (the GPU workflow).
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from pathlib import Path

import pytest

from wzcore import book

ROOT = Path(__file__).resolve().parents[2]
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
CHAPTERS = book.toc_chapters(ROOT)
IDS = [c.stem for c in CHAPTERS]
_CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)
_BACKSPACE = re.compile("[^\\n]\x08")  # a character erased by a backspace (not \\b, a word boundary)


def sanitize_patterns(text: str) -> list[tuple[str, str]]:
    """The (regex, replacement) pairs of an nbval sanitize file, as nbval reads them."""
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)
    return list(OrderedDict(pairs).items())


def sanitize(text: str, patterns: list[tuple[str, str]]) -> str:
    """Apply every pattern in order (``re.sub``), like nbval's ``sanitize``."""
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    return text


def streams(cell: dict) -> dict[str, str]:
    """The cell's stream outputs merged per stream name, ``\\b`` and ``\\r`` resolved (nbval's coalescing)."""
    merged: dict[str, str] = {}
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            text = out["text"] if isinstance(out["text"], str) else "".join(out["text"])
            merged[out["name"]] = merged.get(out["name"], "") + text
    for name, text in merged.items():
        old = None
        while old != text:
            old, text = text, _BACKSPACE.sub("", text)
        merged[name] = _CARRIAGE_RETURN.sub("", text)
    return merged


def checked_cells(nb: dict) -> list[dict]:
    """The code cells marked ``# NBVAL_CHECK_OUTPUT``, in order."""
    return [c for c in nb["cells"] if c["cell_type"] == "code"
            and book.CHECK_MARKER in (c["source"] if isinstance(c["source"], str) else "".join(c["source"]))]


def test_sanitizer_semantics_match_nbval():
    from nbval.plugin import get_sanitize_patterns

    text = SANITIZE.read_text()
    assert sanitize_patterns(text) == list(OrderedDict(get_sanitize_patterns(text)).items())
    assert sanitize("took 12.5 s at 0xdeadbeef", sanitize_patterns(text)) == "took TIME at ADDRESS"
    assert streams({"outputs": [{"output_type": "stream", "name": "stdout", "text": ["a\rb\n", "c"]}]}) == \
        {"stdout": "b\nc"}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_verdicts_equal_the_committed_notebook(chapter, profile):
    executed = book.executed_dir(profile, ROOT) / f"{chapter.stem}.ipynb"
    assert executed.exists(), f"{chapter.stem} was not executed with profile {profile} (python -m wzcore run)"
    patterns = sanitize_patterns(SANITIZE.read_text())
    have = checked_cells(json.loads(executed.read_text()))
    want = checked_cells(json.loads(chapter.path.read_text()))
    assert want, f"{chapter.stem}: the committed notebook has no '{book.CHECK_MARKER}' cell"
    assert len(have) == len(want), f"{chapter.stem}: {len(have)} checked cells executed, {len(want)} committed"
    for i, (h, w) in enumerate(zip(have, want, strict=True)):
        got = {k: sanitize(v, patterns) for k, v in streams(h).items()}
        ref = {k: sanitize(v, patterns) for k, v in streams(w).items()}
        assert got == ref, (f"{chapter.stem}, checked cell {i}: this {profile} run's verdicts differ from the "
                            "committed notebook's (a claim the full run makes fails at this scale, or the "
                            "committed notebook is stale)")
