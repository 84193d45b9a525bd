"""The chapter template executes and passes its own claim (what a new author starts from)."""

from __future__ import annotations

import json
from pathlib import Path

from wzcore import book

ROOT = Path(__file__).resolve().parents[2]


def test_template_executes_with_papermill(tmp_path, monkeypatch):
    monkeypatch.setenv("WZ_RESULTS", str(tmp_path / "results"))
    template = book.Chapter("_template", ROOT / "chapters" / "_template.ipynb")
    out = book.execute(template, "quick", root=tmp_path, progress=False)
    nb = json.loads(out.read_text())
    last = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    text = "".join("".join(o.get("text", "")) for o in last["outputs"])  # nbformat text: str or list of str
    assert "PASS sample_variance" in text
    assert (tmp_path / "results" / "quick" / "_template" / "histogram.json").exists()
