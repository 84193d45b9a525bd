"""Config of ``chapters/_template.ipynb``: copy this module for a new chapter."""

from __future__ import annotations

from dataclasses import dataclass

from wzcore.profiles import ChapterConfig, register


@dataclass(frozen=True)
class TemplateConfig(ChapterConfig):
    """Config of ``chapters/_template.ipynb`` (copy this class for a new chapter)."""

    n_samples: int = 1000


register(
    "_template",
    quick=TemplateConfig(profile="quick", seed=0, n_samples=2_000),
    full=TemplateConfig(profile="full", seed=0, n_samples=200_000),
)
