"""The book's pipeline: which chapters the table of contents lists, executing them with papermill,
adopting executed notebooks as the committed ones, and staging the website's source.

Flow (DESIGN.md §3): ``chapters/*.ipynb`` --papermill(PROFILE)--> ``_build/executed/<profile>/`` -->
staged with the Markdown pages into ``_build/site/<profile>/`` --> ``jupyter-book build`` (notebooks are
never executed by the book itself). Without a profile, the committed notebooks of ``chapters/`` (which
carry the full run's outputs) are staged into ``_build/site/committed/``: the website in seconds.

Staging works on copies and hides the plumbing from the reader (:func:`hide_plumbing`): the parameters
cell and papermill's injected cell are removed, the cell that loads and prints the config is collapsed,
and claim cells show only their verdict lines. Each chapter page opens with a note saying which profile
and which commit produced it (:func:`provenance_note`), the reproducibility page is generated
(:func:`reproducibility_page`), and ``wzcore-site.json`` at the root of the built website records what
was staged (``tests/notebooks/test_site.py`` reads it).

``adopt`` copies an executed run back into ``chapters/`` (without papermill's injected parameters cell)
and stamps it with the hash of its code, so a test can tell when committed outputs are stale.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from wzcore.results import chapter_id, repo_root, results_dir, verdict_word

KERNEL_NAME = "wz-companion"
STATIC_FILES = ("_config.yml", "_toc.yml", "intro.md", "references.md", "references.bib")
# css and favicon; the local Sphinx extension (MathJax trimming); the scripts the usage page includes
STATIC_DIRS = ("_static", "_ext", "examples")
SITE_MARKER = "wzcore-site.json"  # written to the website's root: what was staged, from which runs
COMMITTED = "committed"  # the site folder of a build from the committed notebooks
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"


@dataclass(frozen=True)
class Chapter:
    """A notebook chapter listed in ``_toc.yml``."""

    stem: str  # e.g. "01_slepian_wolf"
    path: Path  # chapters/01_slepian_wolf.ipynb

    @property
    def number(self) -> str:
        """The chapter number as written in the stem (``"01"``)."""
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
    """A toc chapter by stem (``01_slepian_wolf``) or number (``01`` or ``1``); see :func:`chapter_id`."""
    chapters = {c.stem: c for c in toc_chapters(root)}
    return chapters[chapter_id(name, chapters, hint="A chapter is listed in _toc.yml.")]


def code_hash(nb: dict[str, Any]) -> str:
    """sha256 of the code cells' sources (papermill's injected parameters cell excluded)."""
    h = hashlib.sha256()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "injected-parameters" not in _tags(cell):
            h.update(_source(cell).encode() + b"\0")
    return h.hexdigest()


def executed_dir(profile: str, root: Path | None = None) -> Path:
    """``_build/executed/<profile>/``: where papermill writes this run's notebooks."""
    return (root or repo_root()) / "_build" / "executed" / profile


def _source(cell: dict[str, Any]) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _tags(cell: dict[str, Any]) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _add_tag(cell: dict[str, Any], tag: str) -> None:
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


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
    meta = {"profile": profile, "code_sha256": code_hash(nb), "seconds": round(time.perf_counter() - t0, 1)}
    run_json = results_dir(profile, chapter.stem) / "run.json"
    if run_json.exists():  # the commit and date the chapter's own run recorded travel with its outputs
        run = json.loads(run_json.read_text())
        meta.update(commit=run.get("commit", "unknown"), date=run.get("date", ""))
    nb["metadata"].setdefault("wzcore", {}).update(meta)
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


def hide_plumbing(nb: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``nb`` whose plumbing is hidden from the reader (myst-nb cell tags).

    - the ``parameters`` cell and papermill's ``injected-parameters`` cell: ``remove-cell``;
    - the first code cell after the parameters, which loads and prints the config
      (``print(cfg.describe())``): ``hide-cell``, one collapsed block;
    - every cell marked ``# NBVAL_CHECK_OUTPUT`` (the claims): ``remove-input``, so only the verdicts show.
    """
    nb = copy.deepcopy(nb)
    after_parameters = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tags = _tags(cell)
        if "parameters" in tags or "injected-parameters" in tags:
            _add_tag(cell, "remove-cell")
            after_parameters = True
            continue
        if after_parameters:
            after_parameters = False
            if "describe()" in _source(cell):
                _add_tag(cell, "hide-cell")
        if CHECK_MARKER in _source(cell):
            _add_tag(cell, "remove-input")
    return nb


def visible_lines(nb: dict[str, Any]) -> list[tuple[int, str, str]]:
    """The code and stream-output lines a reader can see on the page, as ``(cell index, kind, line)``.

    Applies :func:`hide_plumbing` first; ``hide-*`` cells count (a toggle shows them), ``remove-*`` do
    not. ``kind`` is ``"code"`` or ``"output"``. Carriage-return progress lines keep their last state.
    """
    out: list[tuple[int, str, str]] = []
    for i, cell in enumerate(hide_plumbing(nb)["cells"]):
        tags = _tags(cell)
        if cell["cell_type"] != "code" or "remove-cell" in tags:
            continue
        if "remove-input" not in tags:
            out += [(i, "code", line) for line in _source(cell).splitlines()]
        if "remove-output" not in tags:
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream":
                    text = _source({"source": o.get("text", "")})
                    out += [(i, "output", line.rsplit("\r", 1)[-1]) for line in text.splitlines()]
    return out


def run_record(profile: str, stem: str) -> dict[str, Any] | None:
    """``data/results/<profile>/<stem>/run.json``, or ``None`` if that chapter never ran with ``profile``."""
    path = results_dir(profile, stem) / "run.json"
    return json.loads(path.read_text()) if path.exists() else None


def claim_records(profile: str, stem: str) -> list[dict[str, Any]] | None:
    """The claims of ``data/results/<profile>/<stem>/claims.json``, or ``None`` if there is none."""
    path = results_dir(profile, stem) / "claims.json"
    return json.loads(path.read_text())["claims"] if path.exists() else None


def page_provenance(nb: dict[str, Any], stem: str) -> dict[str, Any]:
    """Which profile produced a notebook's outputs, from which commit, when and on what hardware.

    The profile is the notebook's ``metadata.wzcore.profile`` (written by :func:`execute`); commit, date,
    run time and hardware come from the notebook's metadata or, failing that, the run's ``run.json``.
    """
    meta = nb.get("metadata", {}).get("wzcore", {})
    profile = meta.get("profile")
    if profile is None:
        raise ValueError(f"notebook {stem}: metadata.wzcore.profile is missing (execute it with wzcore)")
    run = run_record(profile, stem) or {}
    return {"profile": profile, "commit": meta.get("commit", run.get("commit", "unknown")),
            "date": meta.get("date", run.get("date", "")), "seconds": meta.get("seconds", run.get("seconds")),
            "hardware": run.get("hardware", {})}


def provenance_note(prov: dict[str, Any]) -> str:
    """The Markdown note under a chapter's title: profile, commit, date, run time, hardware."""
    hw = prov["hardware"]
    where = ""
    if hw:
        gpu = "no GPU" if hw.get("gpu", "none") == "none" else hw["gpu"]
        where = f" on {hw.get('cpu', '?')} ({hw.get('cores', '?')} cores, {gpu})"
    took = f", {prov['seconds']:.0f} s" if isinstance(prov.get("seconds"), int | float) else ""
    date = f" on {prov['date'][:10]}" if prov.get("date") else ""
    return (":::{note}\n:class: wz-provenance\n"
            f"The outputs on this page come from the **{prov['profile']}** profile run of commit "
            f"`{prov['commit']}`{date}{took}{where}. "
            "{doc}`reproducibility` lists every claim with its verdict.\n"
            ":::")


def add_provenance_note(nb: dict[str, Any], note: str) -> dict[str, Any]:
    """A copy of ``nb`` with ``note`` inserted right under the title (``# ...``) of its first Markdown cell."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            lines = _source(cell).split("\n")
            at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
            cell["source"] = "\n".join([*lines[:at], "", note, "", *lines[at:]])
            return nb
    nb["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": note})
    return nb


def md_cell(text: object) -> str:
    """``text`` made safe for one Markdown table cell: ``|`` escaped, line breaks turned into spaces."""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", "\\|").strip()


def _number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    if isinstance(value, list):
        if len(value) > 6:
            return f"[{len(value)} values]"
        return "[" + ", ".join(_number(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_number(v)}" for k, v in value.items()) + "}"
    return str(value)


def format_evidence(evidence: dict[str, Any]) -> str:
    """A claim's evidence numbers, compact (4 significant digits, long lists summarised)."""
    return ", ".join(f"{k} = {_number(v)}" for k, v in evidence.items())


def _run_line(label: str, run: dict[str, Any]) -> str:
    hw = run["hardware"]
    return (f"- {label}: profile `{run['profile']}`, seed {run['seed']}, commit `{run['commit']}`, "
            f"date {run['date']}, {run['seconds']} s on {hw['cpu']} ({hw['cores']} cores), GPU: {hw['gpu']}")


def figure_label(name: str) -> str:
    """The page label of a saved figure: ``fig-`` and its name with dashes (``rd_laplace`` ->
    ``fig-rd-laplace``), the ``:name:`` every chapter gives its ``{glue:figure}``."""
    return "fig-" + name.replace("_", "-")


def reproducibility_page(profile: str | None, chapters: list[Chapter], preamble: str) -> str:
    """Markdown for the reproducibility page: ``preamble`` then, per chapter, its runs and claims.

    The full run's record (``data/results/full``) is always shown, with every claim's verdict, the
    numbers behind it and a link to its figure (``{numref}`` to :func:`figure_label`); when this
    build ran the ``quick`` profile (``profile``), the quick verdicts stand beside the full ones.
    ``profile`` is ``None`` for a build from the committed notebooks.
    """
    if profile not in (None, "quick", "full"):
        raise ValueError(f"profile must be None, 'quick' or 'full'; got {profile!r}")
    quick = profile == "quick"
    built = "the committed notebooks (full profile)" if profile is None else f"a fresh `{profile}` run"
    lines = [preamble.rstrip(), "", "## Runs and claims", "",
             f"This website was built from {built}. The verdicts and numbers below are the full run's "
             "(`data/results/full`, committed with the notebooks)"
             + (", with this build's quick verdicts beside them." if quick else "."), ""]
    for ch in chapters:
        full_run, full_claims = run_record("full", ch.stem), claim_records("full", ch.stem)
        lines += [f"### {ch.stem}", "", f"Chapter page: {{doc}}`{ch.stem}`", ""]
        lines.append(_run_line("full run", full_run) if full_run else "- full run: none recorded yet")
        if full_run:
            lines.append("- versions: " + ", ".join(f"{k} {v}" for k, v in full_run["versions"].items()))
        quick_run, quick_claims = (run_record("quick", ch.stem), claim_records("quick", ch.stem)) if quick \
            else (None, None)
        if quick:
            lines.append(_run_line("this build's quick run", quick_run) if quick_run
                         else "- this build's quick run: none recorded")
        lines.append("")
        by_name: dict[str, dict[str, Any]] = {}
        for c in full_claims or []:
            by_name.setdefault(c["name"], {})["full"] = c
        for c in quick_claims or []:
            by_name.setdefault(c["name"], {})["quick"] = c
        if not by_name:
            lines += ["No claims recorded.", ""]
            continue
        head = ["claim", "full"] + (["quick"] if quick else []) + ["figure", "statement", "numbers (full run)"]
        lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for name, pair in by_name.items():
            ref = pair.get("full") or pair["quick"]
            row = [f"`{name}`", verdict_word(pair["full"]["passed"]) if "full" in pair else "—"]
            if quick:
                row.append(verdict_word(pair["quick"]["passed"]) if "quick" in pair else "—")
            fig = ref.get("figure")
            row += [f"{{numref}}`{figure_label(fig)}`" if fig else "",
                    md_cell(ref["statement"]),
                    md_cell(format_evidence(pair["full"]["evidence"])) if "full" in pair else ""]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def stage(profile: str | None = None, *, committed: bool = False, root: Path | None = None) -> Path:
    """Assemble the website's source in ``_build/site/<profile>/`` and return that folder.

    Notebooks come from this run's ``_build/executed/<profile>/``, or, with ``committed`` (or no
    ``profile``), from ``chapters/`` into ``_build/site/committed/``; a toc chapter without an executed
    notebook is an error, so a stale page cannot ship. Every staged notebook gets its plumbing hidden
    (:func:`hide_plumbing`) and a provenance note (:func:`provenance_note`); the reproducibility page is
    generated; ``_extra/wzcore-site.json`` (copied to the website's root) records each page's profile.
    """
    committed = committed or profile is None
    if not committed and profile not in ("quick", "full"):
        raise ValueError(f"profile must be 'quick' or 'full' (or None for the committed notebooks); got {profile!r}")
    root = root or repo_root()
    site = root / "_build" / "site" / (COMMITTED if committed else str(profile))
    if site.exists():
        shutil.rmtree(site)
    (site / "chapters").mkdir(parents=True)
    for name in STATIC_FILES:
        shutil.copy2(root / name, site / name)
    for name in STATIC_DIRS:
        if (root / name).is_dir():
            shutil.copytree(root / name, site / name, ignore=shutil.ignore_patterns("__pycache__"))
    for md in (root / "chapters").glob("*.md"):
        shutil.copy2(md, site / "chapters" / md.name)
    chapters = toc_chapters(root)
    pages: dict[str, dict[str, Any]] = {}
    for ch in chapters:
        src = ch.path if committed else executed_dir(str(profile), root) / f"{ch.stem}.ipynb"
        if not src.exists():
            raise FileNotFoundError(f"chapter {ch.stem} was not executed with profile {profile!r}: {src}")
        nb = json.loads(src.read_text())
        prov = page_provenance(nb, ch.stem)
        nb = add_provenance_note(hide_plumbing(nb), provenance_note(prov))
        (site / "chapters" / f"{ch.stem}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        pages[ch.stem] = {"profile": prov["profile"], "commit": prov["commit"]}
    page = site / "chapters" / "reproducibility.md"
    if page.exists():
        page.write_text(reproducibility_page(None if committed else profile, chapters, page.read_text()))
    (site / "_extra").mkdir()
    marker = {"source": COMMITTED if committed else "executed", "profile": None if committed else profile,
              "chapters": pages}
    (site / "_extra" / SITE_MARKER).write_text(json.dumps(marker, indent=1) + "\n")
    return site
