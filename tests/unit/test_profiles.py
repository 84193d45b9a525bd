from dataclasses import FrozenInstanceError

import pytest

from wzcore import profiles
from wzcore.profiles import ch00_template


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="PROFILE must be one of"):
        profiles.load("_template", "fast")


def test_auto_resolves_to_quick_without_cuda():
    import torch

    assert profiles.resolve("auto") == ("full" if torch.cuda.is_available() else "quick")


def test_unknown_chapter_names_the_registered_ones():
    with pytest.raises(ValueError, match="_template"):
        profiles.load("99_nothing", "quick")


def test_configs_are_frozen_and_carry_their_profile():
    for chapter in profiles.chapters():
        for name in profiles.PROFILES:
            cfg = profiles.load(chapter, name)
            assert cfg.profile == name
            with pytest.raises(FrozenInstanceError):
                cfg.seed = 1  # type: ignore[misc]


def test_quick_and_full_differ_somewhere_for_every_chapter():
    for chapter in profiles.chapters():
        q, f = profiles.load(chapter, "quick"), profiles.load(chapter, "full")
        assert q.fields() != f.fields(), f"{chapter}: quick and full configs are identical"


def test_register_rejects_mismatched_profiles():
    cfg = ch00_template.TemplateConfig(profile="quick", seed=0)
    with pytest.raises(ValueError, match="profile='quick'"):
        profiles.register("x", quick=cfg, full=cfg)


def test_describe_lists_every_field():
    cfg = profiles.load("_template", "quick")
    text = cfg.describe()
    for name in cfg.fields():
        assert name in text
