"""Shared pytest options: ``--profile`` selects which executed run the notebook/claims tests read."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--profile", default="quick", help="profile whose executed notebooks/sidecars to check")


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> str:
    from wzcore.profiles import resolve

    return resolve(request.config.getoption("--profile"))
