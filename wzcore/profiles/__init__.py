"""Execution profiles: ``PROFILE`` -> a frozen, per-chapter configuration.

Every size, step count, λ grid and seed a chapter uses lives in its config dataclass here, never in a
notebook cell. A chapter's only parameter is ``PROFILE``:

* ``"quick"``: a 2-core laptop runs every chapter in minutes (what CI runs);
* ``"full"``: the paper-quality settings (one GPU, or patience);
* ``"auto"``: ``"full"`` when ``torch.cuda.is_available()``, else ``"quick"``.

>>> cfg = load("01_slepian_wolf", "quick")   # doctest: +SKIP
>>> cfg.profile, cfg.seed                     # doctest: +SKIP

A new chapter adds a module ``wzcore/profiles/chNN_<name>.py`` that defines its config and calls
:func:`register`, and imports it at the end of this file (see ``chapters/extending.md``).
"""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass, field

from wzcore.results import chapter_id

PROFILES: tuple[str, ...] = ("quick", "full")
LINE_WIDTH = 88  # the book's column: no printed line is wider
_REGISTRY: dict[str, dict[str, ChapterConfig]] = {}


@dataclass(frozen=True)
class ChapterConfig:
    """Fields every chapter config has: the resolved profile and the master seed."""

    profile: str
    seed: int

    def fields(self) -> dict[str, object]:
        """The chapter-specific fields (everything but ``profile``), in declaration order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "profile"}

    def describe(self) -> str:
        """A printable table of the configuration (what the notebook shows under its parameters)."""
        rows = [f"{type(self).__name__} (profile = {self.profile!r})"]
        width = max(len(k) for k in self.fields())
        indent = " " * (width + 5)
        for k, v in self.fields().items():
            rows += textwrap.wrap(f"  {k:<{width}} = {v!r}", width=LINE_WIDTH, subsequent_indent=indent,
                                  break_long_words=False, break_on_hyphens=False)
        return "\n".join(rows)


def resolve(profile: str) -> str:
    """Map ``"auto"`` to ``"full"`` on a CUDA machine and ``"quick"`` otherwise; validate the name."""
    if profile == "auto":
        import torch

        return "full" if torch.cuda.is_available() else "quick"
    if profile not in PROFILES:
        raise ValueError(f"PROFILE must be one of 'auto', {', '.join(map(repr, PROFILES))}; got {profile!r}")
    return profile


def register(chapter: str, quick: ChapterConfig, full: ChapterConfig) -> None:
    """Register a chapter's two configurations (same dataclass type, profiles ``quick`` and ``full``)."""
    if type(quick) is not type(full):
        raise ValueError(f"chapter {chapter!r}: quick and full configs must have the same type")
    if (quick.profile, full.profile) != ("quick", "full"):
        raise ValueError(f"chapter {chapter!r}: configs must carry profile='quick' and profile='full'")
    _REGISTRY[chapter] = {"quick": quick, "full": full}


def chapters() -> list[str]:
    """Registered chapter ids (notebook stems, e.g. ``"01_slepian_wolf"``)."""
    return sorted(_REGISTRY)


def _chapter_id(chapter: str) -> str:
    return chapter_id(chapter, _REGISTRY, hint="A new chapter registers its config in wzcore/profiles/ "
                      "(see chapters/extending.md).")


def load(chapter: str, profile: str = "auto") -> ChapterConfig:
    """The frozen config of ``chapter`` (id or number) for ``profile`` (``auto``/``quick``/``full``)."""
    return _REGISTRY[_chapter_id(chapter)][resolve(profile)]


def config_type(chapter: str) -> type[ChapterConfig]:
    """The config dataclass of a chapter (contract tests check every field is read by the notebook)."""
    return type(_REGISTRY[_chapter_id(chapter)]["quick"])


# One module per chapter (``wzcore/profiles/chNN_<name>.py``) defines its frozen config dataclass, every
# claim threshold included, and registers it; importing them here fills the registry.
from wzcore.profiles import (  # noqa: E402, F401  (imported to register; needs the definitions above)
    ch00_template,
    ch01_slepian_wolf,
    ch02_wyner_ziv,
    ch03_ntc,
    ch04_learned_binning,
    ch05_one_shot,
    ch06_image_dsc,
    ch07_two_encoders,
)

__all__ = ["PROFILES", "ChapterConfig", "chapters", "config_type", "field", "load", "register", "resolve"]
