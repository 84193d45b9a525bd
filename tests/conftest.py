"""Shared pytest options: ``--profile`` selects which executed run the notebook/claims tests read.

Matplotlib draws with Agg inside the pytest process only. The backend is chosen here, never through an
exported ``MPLBACKEND``: that variable would reach the papermill kernels (the template test starts one,
``make`` starts all of them) and no figure would reach the notebooks or the website.
"""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--profile", default="quick", help="profile whose executed notebooks/sidecars to check")


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> str:
    from wzcore.profiles import resolve

    return resolve(request.config.getoption("--profile"))
