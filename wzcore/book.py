"""The book's pipeline: which chapters the table of contents lists, executing them with papermill,
adopting executed notebooks as the committed ones, and staging the website's source.

Flow (DESIGN.md §3): ``chapters/*.ipynb`` --papermill(PROFILE)--> ``_build/executed/<profile>/`` -->
staged with the Markdown pages into ``_build/site/<profile>/`` --> ``jupyter-book build`` (notebooks are
never executed by the book itself). ``adopt`` copies an executed run back into ``chapters/`` (without
papermill's injected parameters cell) and stamps it with the hash of its code, so a test can tell when
committed outputs are stale.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wzcore.results import repo_root

KERNEL_NAME = "wz-companion"
STATIC_FILES = ("_config.yml", "_toc.yml", "intro.md", "references.md", "references.bib")


@dataclass(frozen=True)
class Chapter:
    """A notebook chapter listed in ``_toc.yml``."""

    stem: str  # e.g. "01_slepian_wolf"
    path: Path  # chapters/01_slepian_wolf.ipynb

    @property
    def number(self) -> str:
        return self.stem.split("_", 1)[0]


def toc_files(root: Path | None = None) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (root first), without extension."""
    root = root or repo_root()
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("chapters", "sections", "parts"):
                if key in entry:
                    walk(entry[key])

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return files


def toc_chapters(root: Path | None = None) -> list[Chapter]:
    """The notebook chapters of the table of contents, in book order."""
    root = root or repo_root()
    out = []
    for entry in toc_files(root):
        path = root / f"{entry}.ipynb"
        if path.exists():
            out.append(Chapter(stem=path.stem, path=path))
    return out


def find_chapter(name: str, root: Path | None = None) -> Chapter:
    """A toc chapter by stem (``01_slepian_wolf``) or number (``01`` or ``1``)."""
    chapters = toc_chapters(root)
    for ch in chapters:
        if name in (ch.stem, ch.number) or (name.isdigit() and int(name) == int(ch.number)):
            return ch
    raise ValueError(f"chapter must be one of {[c.stem for c in chapters]} or their numbers; got {name!r}")


def code_hash(nb: dict[str, Any]) -> str:
    """sha256 of the code cells' sources (papermill's injected parameters cell excluded)."""
    h = hashlib.sha256()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            h.update(src.encode() + b"\0")
    return h.hexdigest()


def executed_dir(profile: str, root: Path | None = None) -> Path:
    return (root or repo_root()) / "_build" / "executed" / profile


def kernel_name() -> str:
    """The project's kernel if registered (``make`` does), else the default ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def execute(chapter: Chapter, profile: str, root: Path | None = None, progress: bool = True) -> Path:
    """Run one chapter with papermill (``PROFILE`` injected) into ``_build/executed/<profile>/``.

    Raises papermill's ``PapermillExecutionError`` if any cell fails, a failed claim included.
    """
    import papermill as pm

    out = executed_dir(profile, root) / f"{chapter.stem}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    pm.execute_notebook(str(chapter.path), str(out), parameters={"PROFILE": profile},
                        kernel_name=kernel_name(), cwd=str(chapter.path.parent), progress_bar=progress,
                        request_save_on_cell_execute=False)
    nb = json.loads(out.read_text())
    nb["metadata"].setdefault("wzcore", {}).update(
        {"profile": profile, "code_sha256": code_hash(nb), "seconds": round(time.perf_counter() - t0, 1)})
    out.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return out


def adopt(chapter: Chapter, profile: str, root: Path | None = None) -> Path:
    """Copy the executed notebook over ``chapters/<stem>.ipynb`` without papermill's injected cell."""
    src = executed_dir(profile, root) / f"{chapter.stem}.ipynb"
    if not src.exists():
        raise FileNotFoundError(f"{src} does not exist: execute chapter {chapter.stem} with {profile!r} first")
    nb = json.loads(src.read_text())
    nb["cells"] = [c for c in nb["cells"]
                   if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    nb["metadata"]["wzcore"]["code_sha256"] = code_hash(nb)
    chapter.path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return chapter.path


def reproducibility_page(profile: str, chapters: list[Chapter], preamble: str) -> str:
    """Markdown for the reproducibility page: ``preamble`` then, per chapter, its run and claims."""
    from wzcore.results import results_dir

    lines = [preamble.rstrip(), "", f"## This build: profile `{profile}`", ""]
    for ch in chapters:
        run_path = results_dir(profile, ch.stem) / "run.json"
        claims_path = results_dir(profile, ch.stem) / "claims.json"
        lines += [f"### {ch.stem}", ""]
        if not run_path.exists():
            lines += ["No run record for this profile.", ""]
            continue
        run = json.loads(run_path.read_text())
        hw = run["hardware"]
        lines += [
            f"- profile `{run['profile']}`, seed {run['seed']}, commit `{run['commit']}`, date {run['date']}",
            f"- run time {run['seconds']} s on {hw['cpu']} ({hw['cores']} cores), GPU: {hw['gpu']}",
            "- versions: " + ", ".join(f"{k} {v}" for k, v in run["versions"].items()),
            "",
        ]
        if claims_path.exists():
            lines += ["| claim | verdict | statement |", "| --- | --- | --- |"]
            for c in json.loads(claims_path.read_text())["claims"]:
                lines.append(f"| `{c['name']}` | {'PASS' if c['passed'] else 'FAIL'} | {c['statement']} |")
            lines.append("")
    return "\n".join(lines) + "\n"


def stage(profile: str, *, committed: bool = False, root: Path | None = None) -> Path:
    """Assemble the website's source in ``_build/site/<profile>/``.

    Notebooks come from this run's ``_build/executed/<profile>/`` (or, with ``committed``, from
    ``chapters/``); a toc chapter without an executed notebook is an error, so a stale page cannot ship.
    """
    root = root or repo_root()
    site = root / "_build" / "site" / profile
    if site.exists():
        shutil.rmtree(site)
    (site / "chapters").mkdir(parents=True)
    for name in STATIC_FILES:
        shutil.copy2(root / name, site / name)
    for md in (root / "chapters").glob("*.md"):
        shutil.copy2(md, site / "chapters" / md.name)
    chapters = toc_chapters(root)
    for ch in chapters:
        src = ch.path if committed else executed_dir(profile, root) / f"{ch.stem}.ipynb"
        if not src.exists():
            raise FileNotFoundError(f"chapter {ch.stem} was not executed with profile {profile!r}: {src}")
        shutil.copy2(src, site / "chapters" / f"{ch.stem}.ipynb")
    if not committed:
        page = site / "chapters" / "reproducibility.md"
        page.write_text(reproducibility_page(profile, chapters, page.read_text()))
    return site
