"""Sphinx extension: ship only the MathJax files the pages can load (offline, ~2 MB instead of ~24 MB).

``sphinx-mathjax-offline`` copies its whole MathJax 3 distribution (every combined component, the SVG
output, the speech-rule engine: ~24 MB) into ``_static/mathjax`` when the build finishes, and points
``mathjax_path`` at ``mathjax/tex-chtml.js``. That combined component contains the TeX input, the
CommonHTML output, the context menu and assistive MathML; at run time it fetches only

- ``output/chtml/fonts/woff-v2/*.woff``: the fonts of the glyphs on the page, and
- ``input/tex/extensions/*.js``: the TeX packages that ``autoload`` pulls in for a macro
  (``\\boldsymbol``, ``\\cancel``, ``\\color``, ...).

This extension runs after that copy (``build-finished``, a later priority) and deletes everything else.
What is gone is optional and opt-in through MathJax's context menu: switching the renderer to SVG or
MathML, and the accessibility explorer (``a11y/``, ``sre/``); those menu items then fail quietly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Folders (relative to _static/mathjax) whose files the combined component may fetch at run time.
KEEP_DIRS = ("output/chtml/fonts/woff-v2", "input/tex/extensions")


def kept(relative: Path, entry: str) -> bool:
    """Whether ``relative`` (a path under ``_static/mathjax``) is loaded by the component ``entry``."""
    path = relative.as_posix()
    return path == entry or any(path.startswith(d + "/") for d in KEEP_DIRS)


def trim(mathjax_dir: Path, entry: str) -> tuple[int, int]:
    """Delete every file of ``mathjax_dir`` not :func:`kept`; return (files kept, bytes removed)."""
    if not (mathjax_dir / entry).is_file():
        raise ValueError(f"entry must be a file under {mathjax_dir}; {entry!r} is not (mathjax_path changed?)")
    removed = n_kept = 0
    for path in sorted(mathjax_dir.rglob("*"), reverse=True):  # files before their folders
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif kept(path.relative_to(mathjax_dir), entry):
            n_kept += 1
        else:
            removed += path.stat().st_size
            path.unlink()
    return n_kept, removed


def on_build_finished(app: Sphinx, exc: Exception | None) -> None:
    """After sphinx-mathjax-offline copied MathJax into the output, keep only what the pages load."""
    if exc is not None or app.builder.format != "html":
        return
    mathjax_dir = Path(app.outdir) / "_static" / "mathjax"
    path = str(app.config.mathjax_path)
    if not mathjax_dir.is_dir() or not path.startswith("mathjax/"):
        return  # MathJax from a CDN, or not copied: nothing to trim
    n_kept, removed = trim(mathjax_dir, path.removeprefix("mathjax/"))
    logger.info(f"mathjax_trim: kept {n_kept} MathJax files, removed {removed / 2**20:.1f} MiB")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the trimming step after sphinx-mathjax-offline's copy (priority 900 > the default 500)."""
    app.connect("build-finished", on_build_finished, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["kept", "setup", "trim"]
