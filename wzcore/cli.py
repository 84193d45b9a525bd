"""Command line: ``python -m wzcore run|list|claims|stage|adopt``.

- ``run 01 --profile quick`` executes one chapter with papermill (``run --all`` every toc chapter);
- ``list`` shows the chapters and their configs; ``claims`` prints the verdicts of the last run;
- ``stage`` assembles the website's source from executed notebooks (``--committed``: from the committed
  notebooks of ``chapters/``, no execution); ``adopt`` copies an executed run back into ``chapters/``
  (what the committed notebooks carry).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from wzcore import book, profiles
from wzcore.results import results_dir, verdict_line


def _chapters(args: argparse.Namespace) -> list[book.Chapter]:
    """The chapters named on the command line (``--all``: every toc chapter)."""
    if args.all:
        return book.toc_chapters()
    if not args.chapters:
        raise SystemExit("name chapters (e.g. 01 03) or pass --all")
    return [book.find_chapter(c) for c in args.chapters]


def cmd_run(args: argparse.Namespace) -> int:
    """Execute chapters with papermill into ``_build/executed/<profile>/``."""
    profile = profiles.resolve(args.profile)
    for ch in _chapters(args):
        t0 = time.perf_counter()
        print(f"[wzcore] executing {ch.stem} (profile {profile})", flush=True)
        out = book.execute(ch, profile, progress=not args.no_progress)
        print(f"[wzcore] {ch.stem}: {time.perf_counter() - t0:.1f} s -> {out}", flush=True)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List the toc chapters and their configs."""
    profile = profiles.resolve(args.profile)
    for ch in book.toc_chapters():
        print(f"{ch.stem}  ({ch.path})")
        print("  " + profiles.load(ch.stem, profile).describe().replace("\n", "\n  "))
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    """Print the verdicts of the last run of every chapter; 1 if any failed or is missing."""
    profile = profiles.resolve(args.profile)
    failed = 0
    for ch in book.toc_chapters():
        path = results_dir(profile, ch.stem) / "claims.json"
        if not path.exists():
            print(f"{ch.stem}: no claims recorded for profile {profile!r}")
            failed += 1
            continue
        for c in json.loads(path.read_text())["claims"]:
            failed += not c["passed"]
            print(f"{ch.stem}: {verdict_line(c['name'], c['passed'], c['statement'])}")
    return 1 if failed else 0


def cmd_stage(args: argparse.Namespace) -> int:
    """Stage the website source and print its folder."""
    if args.committed:
        print(book.stage(None))
    else:
        print(book.stage(profiles.resolve(args.profile)))
    return 0


def cmd_adopt(args: argparse.Namespace) -> int:
    """Copy executed notebooks into ``chapters/``."""
    profile = profiles.resolve(args.profile)
    for ch in _chapters(args):
        print(book.adopt(ch, profile))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; bad input is reported as ``error: ...`` with exit code 2."""
    parser = argparse.ArgumentParser(prog="python -m wzcore", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str,
            chapters: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--profile", default="auto", help="auto (full on a GPU, else quick), quick or full")
        if chapters:
            p.add_argument("chapters", nargs="*", help="chapter stems or numbers (e.g. 01 02)")
            p.add_argument("--all", action="store_true", help="every chapter of _toc.yml")
        p.set_defaults(func=func)
        return p

    add("run", cmd_run, "execute chapters with papermill", chapters=True).add_argument(
        "--no-progress", action="store_true", help="no per-cell progress bar")
    add("list", cmd_list, "list chapters and their configs")
    add("claims", cmd_claims, "print the claim verdicts of the last run")
    add("stage", cmd_stage, "assemble the website source in _build/site/<profile>").add_argument(
        "--committed", action="store_true", help="use the committed notebooks instead of this run's")
    add("adopt", cmd_adopt, "copy executed notebooks into chapters/", chapters=True)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
