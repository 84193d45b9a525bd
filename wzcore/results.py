"""Figures with their data, claims with verdicts, and the provenance of a chapter run.

A figure is evidence for a claim of the review. A chapter opens a :class:`Run`, saves every figure with
the numbers it plots (:meth:`Run.save_figure` writes ``<name>.png`` and a ``<name>.json`` sidecar under
``data/results/<profile>/<chapter>/`` and glues the figure for the page's ``{glue:figure}``), states
claims (:meth:`Claims.check`, optionally naming the figure that is their evidence) and ends with
:meth:`Run.finish`, which prints one verdict line per claim (``PASS name: statement``, formatted by
:func:`verdict_line` and nowhere else), writes ``claims.json`` and ``run.json`` (run time, hardware,
package versions) and raises :class:`ClaimFailed` if any claim failed — so papermill, and therefore
``make test``, fails on a broken claim.

:func:`chapter_id` is the one place a chapter name typed by a person (``01_slepian_wolf``, ``01`` or
``1``) is resolved.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import textwrap
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # type hints only: profiles may import this module (chapter_id) without a cycle
    from wzcore.profiles import ChapterConfig

PACKAGES = ("wzcore", "numpy", "scipy", "torch", "matplotlib", "constriction", "ldpc", "papermill")


FIGURE_DPI = 200  # the PNG files under data/results (the page shows the retina inline rendering)


class ClaimFailed(AssertionError):
    """Raised by :meth:`Run.finish` when at least one claim of the chapter does not hold."""


def verdict_word(passed: bool) -> str:
    """``"PASS"`` or ``"FAIL"``: the one spelling of a verdict (verdict lines, tables, the CLI)."""
    return "PASS" if passed else "FAIL"


LINE_WIDTH = 88  # the book's column: a printed line is never wider


def verdict_line(name: str, passed: bool, statement: str) -> str:
    """One claim's verdict, ``PASS name: statement``, as printed by a chapter and compared by CI.

    Wrapped at the book's column (88 characters), continuation lines indented by five spaces.
    """
    return textwrap.fill(f"{verdict_word(passed)} {name}: {statement}", width=LINE_WIDTH,
                         subsequent_indent=" " * 5, break_long_words=False, break_on_hyphens=False)


def chapter_id(name: str, known: Iterable[str], *, hint: str = "") -> str:
    """Resolve a chapter named by stem (``01_slepian_wolf``) or number (``01`` or ``1``) among ``known``.

    ``known`` are chapter stems (``NN_name``); ``hint`` is appended to the error message. Raises
    ``ValueError`` naming the valid chapters when ``name`` matches none, or several.
    """
    stems = list(known)
    if name in stems:
        return name
    matches = [s for s in stems if s.split("_", 1)[0] == name]
    if not matches and name.isdigit():
        matches = [s for s in stems if s.split("_", 1)[0].isdigit() and int(s.split("_", 1)[0]) == int(name)]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"chapter must be one of {sorted(stems)} or their numbers; got {name!r}. {hint}".rstrip())


def repo_root() -> Path:
    """The repository root: ``$WZ_ROOT`` if set, else the first parent of this file holding ``_toc.yml``."""
    if "WZ_ROOT" in os.environ:
        return Path(os.environ["WZ_ROOT"]).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / "_toc.yml").exists():
            return parent
    return Path.cwd().resolve()


def results_dir(profile: str, chapter: str) -> Path:
    """``data/results/<profile>/<chapter>/`` (``$WZ_RESULTS`` replaces ``data/results``)."""
    base = Path(os.environ["WZ_RESULTS"]) if "WZ_RESULTS" in os.environ else repo_root() / "data" / "results"
    return base / profile / chapter


#: What a run writes: its own outputs never make the tree it runs from "dirty" (a full run rewrites the
#: committed sidecars and, when adopted, the notebooks, while the sources stay as committed).
RUN_OUTPUTS = ("data/results", "chapters/*.ipynb")


def git_commit() -> str:
    """The current commit, with ``+dirty`` if a tracked source differs from it (the run outputs
    :data:`RUN_OUTPUTS` excepted), or ``"unknown"`` outside git."""
    try:
        root = repo_root()
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True, timeout=10).stdout.strip()
        exclude = [f":(exclude,glob){p}" + ("/**" if "*" not in p else "") for p in RUN_OUTPUTS]
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *exclude],
                               cwd=root, capture_output=True, text=True, check=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def hardware() -> dict[str, str | int]:
    """CPU model, core count and GPU name (if any) of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, str | int] = {"cpu": cpu, "cores": os.cpu_count() or 0, "gpu": "none"}
    try:
        import torch

        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return info


def versions() -> dict[str, str]:
    """Installed versions of the packages the book depends on."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def to_jsonable(value: Any) -> Any:
    """Convert numpy/torch scalars and arrays, tuples and dataclasses into JSON-serialisable values.

    Non-finite floats become ``None`` (JSON has no NaN); use them only for genuinely missing values.
    """
    if hasattr(value, "detach"):  # torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


@dataclass
class Claim:
    """One named, checked statement."""

    name: str
    passed: bool
    statement: str
    evidence: dict[str, Any] = field(default_factory=dict)
    figure: str | None = None  # the saved figure that is this claim's evidence (its page links to it)

    def verdict(self) -> str:
        """The verdict line (:func:`verdict_line`)."""
        return verdict_line(self.name, self.passed, self.statement)


class Claims:
    """The claims of one chapter run, in the order they were checked."""

    def __init__(self) -> None:
        self.items: dict[str, Claim] = {}

    def check(self, name: str, condition: bool | np.bool_, statement: str, *, figure: str | None = None,
              **evidence: Any) -> None:
        """Record claim ``name``: ``condition`` must hold; ``statement`` says what it means, in words.

        The statement is printed in the verdict line, which CI compares between quick and full runs:
        keep raw floats out of it and put the numbers in ``evidence`` (saved to ``claims.json``).
        ``figure`` names the figure (as passed to :meth:`Run.save_figure`) that is the claim's evidence;
        the reproducibility page links the claim to it, and :meth:`Run.finish` checks it was saved.
        """
        if not name.isidentifier():
            raise ValueError(f"claim name must be an identifier, got {name!r}")
        if name in self.items:
            raise ValueError(f"claim {name!r} is checked twice")
        if figure is not None and not _valid_figure_name(figure):
            raise ValueError(f"figure must be a saved figure's name (letters, digits, '_'), got {figure!r}")
        self.items[name] = Claim(name, bool(condition), statement, to_jsonable(evidence), figure)

    @property
    def failed(self) -> list[Claim]:
        """The claims that do not hold."""
        return [c for c in self.items.values() if not c.passed]

    def verdicts(self) -> str:
        """One verdict line per claim, in the order they were checked."""
        return "\n".join(c.verdict() for c in self.items.values())


def _valid_figure_name(name: str) -> bool:
    return bool(name) and name.replace("_", "").isalnum() and name.isascii()


class Run:
    """One execution of a chapter: figures and sidecars, glued numbers, claims and provenance."""

    def __init__(self, chapter: str, config: ChapterConfig) -> None:
        """Open the run of ``chapter``; the figures of an earlier run with this profile are removed, so
        ``data/results/<profile>/<chapter>/`` always holds exactly one run (the website test relies on it)."""
        self.chapter = chapter
        self.config = config
        self.claims = Claims()
        self.out_dir = results_dir(config.profile, chapter)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for old in [*self.out_dir.glob("*.json"), *self.out_dir.glob("*.png")]:
            old.unlink()
        self._t0 = time.perf_counter()
        self._commit = git_commit()
        self.figures: list[str] = []
        self.glued: set[str] = set()  # every key glued so far, figures included (myst-nb keys are one namespace)

    def provenance(self) -> dict[str, Any]:
        """Chapter, profile, seed, commit and date: stamped on every file the run writes."""
        return {
            "chapter": self.chapter,
            "profile": self.config.profile,
            "seed": self.config.seed,
            "commit": self._commit,
            "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }

    def save_figure(self, fig: Any, name: str, data: dict[str, Any]) -> None:
        """Save, glue and close a figure: what every chapter figure goes through.

        Writes ``<name>.png`` (``FIGURE_DPI``) and the ``<name>.json`` sidecar (provenance + the plotted
        ``data``), glues ``fig`` under ``name`` for the chapter's ``{glue:figure} name`` directive (the
        numbered, captioned figure on the page) and closes it, so the inline backend does not show it a
        second time. Call it once per figure; do not call ``plt.show()`` after it.
        """
        import matplotlib.pyplot as plt

        if not _valid_figure_name(name):
            raise ValueError(f"figure name must be letters, digits and '_', got {name!r}")
        if not data:
            raise ValueError("data must hold the numbers the figure plots (a non-empty dict)")
        self._claim_key(name)  # a figure saved twice, or a name glued as a value, is refused here
        png = self.out_dir / f"{name}.png"
        fig.savefig(png, dpi=FIGURE_DPI, bbox_inches="tight", facecolor="white")
        sidecar = {**self.provenance(), "figure": f"{name}.png", "data": to_jsonable(data)}
        (self.out_dir / f"{name}.json").write_text(json.dumps(sidecar, indent=1) + "\n")
        self.figures.append(name)
        from myst_nb import glue

        glue(name, fig, display=False)
        plt.close(fig)

    def glue(self, name: str, value: float | int | str) -> None:
        """Expose ``value`` to the prose (``{glue:text}`name:.2f```) through myst-nb, without displaying it.

        A key can be glued once per run (a figure's name included): the website build, run with warnings as
        errors, refuses a key glued twice, so the chapter run refuses it first (``ValueError``).
        """
        from myst_nb import glue

        value = to_jsonable(value)
        self._claim_key(name)
        glue(name, value, display=False)

    def _claim_key(self, name: str) -> None:
        if name in self.glued:
            raise ValueError(f"glue key {name!r} is used twice in chapter {self.chapter} (figures and values share "
                             "one namespace)")
        self.glued.add(name)

    def finish(self) -> None:
        """Print verdicts, write ``claims.json`` and ``run.json``; raise :class:`ClaimFailed` on a failure."""
        if not self.claims.items:
            raise ClaimFailed(f"chapter {self.chapter} checked no claim: every chapter states at least one")
        unknown = {c.name: c.figure for c in self.claims.items.values()
                   if c.figure is not None and c.figure not in self.figures}
        if unknown:
            raise ValueError(f"figure of claims {unknown} was never saved (run.save_figure) in {self.chapter}")
        seconds = time.perf_counter() - self._t0
        claims = [to_jsonable(c) for c in self.claims.items.values()]
        (self.out_dir / "claims.json").write_text(json.dumps(
            {**self.provenance(), "claims": claims}, indent=1) + "\n")
        run = {**self.provenance(), "seconds": round(seconds, 1), "hardware": hardware(),
               "versions": versions(), "figures": self.figures, "config": to_jsonable(self.config)}
        (self.out_dir / "run.json").write_text(json.dumps(run, indent=1) + "\n")
        print(self.claims.verdicts())
        if self.claims.failed:
            names = ", ".join(c.name for c in self.claims.failed)
            raise ClaimFailed(f"{len(self.claims.failed)} claim(s) failed in {self.chapter}: {names}")


def load_sidecar(profile: str, chapter: str, name: str) -> dict[str, Any]:
    """Read a figure's JSON sidecar (tests check these against theory)."""
    path = results_dir(profile, chapter) / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"no sidecar {path}: run the chapter with profile {profile!r} first")
    return json.loads(path.read_text())
