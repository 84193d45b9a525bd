"""Reading a chapter's figure sidecars in the claims tests (skip when that profile has not run)."""

from __future__ import annotations

import pytest

from wzcore.results import load_sidecar


def load_or_skip(profile: str, chapter: str, name: str) -> dict:
    """The whole sidecar of figure ``name``; skips the test if the chapter has no run for ``profile``."""
    try:
        return load_sidecar(profile, chapter, name)
    except FileNotFoundError:
        pytest.skip(f"no {profile} sidecar {name} for {chapter}: run the chapter first")
