"""Reading a chapter's run in the claims tests: figure sidecars and the run's own configuration.

A chapter that has not run for the profile skips its claims tests when a person runs pytest by hand,
and fails them under ``make test`` (which exports ``WZ_REQUIRE_RUNS=1``): there, a claims test with
nothing to read is a defect, not a pass.
"""

from __future__ import annotations

import os

import pytest

from wzcore import book
from wzcore.results import load_sidecar


def _missing(message: str) -> None:
    if os.environ.get("WZ_REQUIRE_RUNS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def load_or_skip(profile: str, chapter: str, name: str) -> dict:
    """The whole sidecar of figure ``name`` (skip, or fail under ``make test``, if the chapter did not run)."""
    try:
        return load_sidecar(profile, chapter, name)
    except FileNotFoundError:
        _missing(f"no {profile} sidecar {name} for {chapter}: run the chapter first")
        raise  # unreachable: _missing raises


def run_config(profile: str, chapter: str) -> dict:
    """The configuration the chapter ran with (``run.json``): the claims' thresholds are read from it,
    never re-typed in a test."""
    run = book.run_record(profile, chapter)
    if run is None:
        _missing(f"no {profile} run record for {chapter}: run the chapter first")
    return run["config"]
