"""Build a chapter notebook from a percent-format script (``# %%`` code cells, ``# %% [markdown]`` cells).

Usage: ``python tools/py2nb.py chapters/src/01_slepian_wolf.py chapters/01_slepian_wolf.ipynb``

Markdown cells are written as comment lines (``# text``); ``# %% tags=["parameters"]`` tags a cell, e.g.
``# %% tags=["hide-input"]`` collapses a long plotting cell on the website (any JSON list of tags).
Authors may equally edit the notebooks in Jupyter; this only makes reviewable, diff-friendly sources.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
    "language_info": {"name": "python", "pygments_lexer": "ipython3", "file_extension": ".py",
                      "mimetype": "text/x-python", "codemirror_mode": {"name": "ipython", "version": 3}},
}
MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")


def convert(text: str) -> dict:
    cells: list[dict] = []
    kind, tags, lines = None, [], []

    def flush() -> None:
        if kind is None:
            return
        body = list(lines)
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        if kind == "markdown":
            body = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in body]
        src = "\n".join(body)
        cell = {"cell_type": kind, "metadata": {"tags": tags} if tags else {}, "source": src}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)

    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            flush()
            kind = "markdown" if m.group("md") else "code"
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            lines = []
        elif kind is not None:
            lines.append(line)
    flush()
    return {"cells": cells, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}


if __name__ == "__main__":
    src, dst = map(Path, sys.argv[1:3])
    nb = convert(src.read_text())
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"{src.stem[:20]}-{i:03d}".replace("_", "-")
    dst.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    print(f"{dst}: {len(nb['cells'])} cells")
