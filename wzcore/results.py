"""Figures with their data, claims with verdicts, and the provenance of a chapter run.

A figure is evidence for a claim of the review. A chapter opens a :class:`Run`, saves every figure with
the numbers it plots (:meth:`Run.save_figure` writes ``<name>.png`` and a ``<name>.json`` sidecar under
``data/results/<profile>/<chapter>/``), states claims (:meth:`Claims.check`) and ends with
:meth:`Run.finish`, which prints one verdict line per claim (``PASS name: statement``), writes
``claims.json`` and ``run.json`` (run time, hardware, package versions) and raises :class:`ClaimFailed`
if any claim failed — so papermill, and therefore ``make test``, fails on a broken claim.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from wzcore.profiles import ChapterConfig

PACKAGES = ("wzcore", "numpy", "scipy", "torch", "matplotlib", "constriction", "ldpc", "papermill")


class ClaimFailed(AssertionError):
    """Raised by :meth:`Run.finish` when at least one claim of the chapter does not hold."""


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


def git_commit() -> str:
    """The current commit (with ``+dirty`` if the tree has changes), or ``"unknown"`` outside git."""
    try:
        root = repo_root()
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                             text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
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

    def verdict(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: {self.statement}"


class Claims:
    """The claims of one chapter run, in the order they were checked."""

    def __init__(self) -> None:
        self.items: dict[str, Claim] = {}

    def check(self, name: str, condition: bool | np.bool_, statement: str, **evidence: Any) -> bool:
        """Record claim ``name``: ``condition`` must hold; ``statement`` says what it means, in words.

        The statement is printed in the verdict line, which nbval compares between quick and full runs:
        keep raw floats out of it and put the numbers in ``evidence`` (saved to ``claims.json``).
        """
        if not name.isidentifier():
            raise ValueError(f"claim name must be an identifier, got {name!r}")
        if name in self.items:
            raise ValueError(f"claim {name!r} is checked twice")
        self.items[name] = Claim(name, bool(condition), statement, to_jsonable(evidence))
        return bool(condition)

    @property
    def failed(self) -> list[Claim]:
        return [c for c in self.items.values() if not c.passed]

    def verdicts(self) -> str:
        return "\n".join(c.verdict() for c in self.items.values())


class Run:
    """One execution of a chapter: figures and sidecars, glued numbers, claims and provenance."""

    def __init__(self, chapter: str, config: ChapterConfig) -> None:
        self.chapter = chapter
        self.config = config
        self.claims = Claims()
        self.out_dir = results_dir(config.profile, chapter)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._t0 = time.perf_counter()
        self._commit = git_commit()
        self.figures: list[str] = []

    def provenance(self) -> dict[str, Any]:
        return {
            "chapter": self.chapter,
            "profile": self.config.profile,
            "seed": self.config.seed,
            "commit": self._commit,
            "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }

    def save_figure(self, fig: Any, name: str, data: dict[str, Any]) -> Path:
        """Write ``<name>.png`` and the ``<name>.json`` sidecar (provenance + the plotted ``data``)."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"figure name must be alphanumeric/underscore, got {name!r}")
        if not data:
            raise ValueError("data must hold the numbers the figure plots (a non-empty dict)")
        png = self.out_dir / f"{name}.png"
        fig.savefig(png, dpi=150, bbox_inches="tight", facecolor="white")
        sidecar = {**self.provenance(), "figure": f"{name}.png", "data": to_jsonable(data)}
        (self.out_dir / f"{name}.json").write_text(json.dumps(sidecar, indent=1) + "\n")
        self.figures.append(name)
        return png

    def glue(self, name: str, value: float | int | str) -> None:
        """Expose ``value`` to the prose (``{glue:text}`name:.2f```) through myst-nb, without displaying it."""
        from myst_nb import glue

        glue(name, to_jsonable(value), display=False)

    def finish(self) -> None:
        """Print verdicts, write ``claims.json`` and ``run.json``; raise :class:`ClaimFailed` on a failure."""
        if not self.claims.items:
            raise ClaimFailed(f"chapter {self.chapter} checked no claim: every chapter states at least one")
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
