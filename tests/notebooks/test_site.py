"""The built website shows every figure its chapters saved (run by ``make test`` after the site build).

For each chapter page ``_build/html/chapters/<stem>.html``, the images shown as figures (an ``<img>`` in
a ``<figure>``, which ``{glue:figure}`` and ``{figure}`` produce, or in a cell's output) must be as many
as the figure sidecars the run saved under ``data/results/<profile>/<stem>/`` (every ``*.json`` but
``claims.json`` and ``run.json``), and each must be a real image file. ``<profile>`` is the profile
that produced the staged page, read from ``wzcore-site.json`` (written by ``python -m wzcore stage``).

This is the guard against figures silently vanishing: an ``MPLBACKEND=Agg`` reaching the papermill
kernels, a figure glued but never pasted, a figure shown twice.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from wzcore import book
from wzcore.results import results_dir

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
CHAPTERS = book.toc_chapters(ROOT)
IDS = [c.stem for c in CHAPTERS]
MIN_IMAGE_BYTES = 1024
NOT_FIGURES = {"claims.json", "run.json"}


@pytest.fixture(scope="module")
def site() -> dict:
    marker = HTML / book.SITE_MARKER
    assert marker.exists(), f"{marker} is missing: build the website first (make site)"
    return json.loads(marker.read_text())


def _page(stem: str) -> BeautifulSoup:
    path = HTML / "chapters" / f"{stem}.html"
    assert path.exists(), f"{path} was not built"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def figure_images(page: BeautifulSoup) -> list[Tag]:
    """The ``<img>`` of the page's article that are figures: inside a ``<figure>`` or a cell output."""
    article = page.find("article") or page
    return [img for img in article.find_all("img")
            if img.find_parent("figure") is not None
            or img.find_parent(class_="cell_output") is not None]


def saved_figures(profile: str, stem: str) -> list[str]:
    """The figure sidecars of a chapter's run (``data/results/<profile>/<stem>/*.json``)."""
    return sorted(p.stem for p in results_dir(profile, stem).glob("*.json") if p.name not in NOT_FIGURES)


def test_the_site_marker_names_every_chapter(site):
    assert sorted(site["chapters"]) == sorted(IDS), "the website was staged from another table of contents"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_each_saved_figure_is_shown_once_on_its_page(chapter, site):
    profile = site["chapters"][chapter.stem]["profile"]
    saved = saved_figures(profile, chapter.stem)
    assert saved, f"{chapter.stem}: the {profile} run saved no figure sidecar in {results_dir(profile, chapter.stem)}"
    images = figure_images(_page(chapter.stem))
    assert len(images) == len(saved), (
        f"{chapter.stem}: the page shows {len(images)} figure image(s), the {profile} run saved {len(saved)} "
        f"({', '.join(saved)}). Zero images usually means the kernels drew with a non-inline backend "
        "(is MPLBACKEND exported?) or a figure is saved but never pasted with ```{glue:figure} <name>```.")
    for img in images:
        path = (HTML / "chapters" / img["src"]).resolve()
        assert path.is_file(), f"{chapter.stem}: {img['src']} is not in the built website"
        assert path.stat().st_size > MIN_IMAGE_BYTES, f"{chapter.stem}: {img['src']} is nearly empty"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_every_figure_is_numbered_and_captioned(chapter):
    # the book numbers chapters by their place in the table of contents (chapter 7 is the 6th while chapter 6
    # is not written), and figures within them: "Figure <place>.N"
    place = CHAPTERS.index(chapter) + 1
    number = re.compile(rf"^Figure {place}\.\d+$")
    for img in figure_images(_page(chapter.stem)):
        fig = img.find_parent("figure")
        assert fig is not None, (f"{chapter.stem}: {img['src']} is a bare cell output: paste it with "
                                 "```{glue:figure} <name>``` with a caption and `:name: fig-<name>`")
        caption = fig.find(class_="caption-number")
        assert caption is not None and number.match(caption.get_text(strip=True)), (
            f"{chapter.stem}: figure {fig.get('id')} is not numbered 'Figure {place}.N'")
        text = fig.find(class_="caption-text")
        assert text is not None and text.get_text(strip=True), f"{chapter.stem}: figure {fig.get('id')} has no caption"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_the_page_says_which_run_produced_it(chapter, site):
    note = _page(chapter.stem).find(class_="wz-provenance")
    entry = site["chapters"][chapter.stem]
    assert note is not None, f"{chapter.stem}: no provenance note under the title"
    text = note.get_text(" ", strip=True)
    assert entry["profile"] in text and entry["commit"] in text


def test_the_intro_links_every_chapter():
    intro = BeautifulSoup((HTML / "intro.html").read_text(encoding="utf-8"), "html.parser")
    table = intro.find("article").find("table")
    assert table is not None, "the intro has no chapter table"
    linked = {a["href"].split("#")[0] for a in table.find_all("a", href=True)}
    missing = [c.stem for c in CHAPTERS if f"chapters/{c.stem}.html" not in linked]
    assert not missing, f"the intro's chapter table does not link {missing}"
