"""Extraction on 22 labelled real government pages, served from 127.0.0.1.

Each page is rendered by the real gatherer; the test fails on any non-uncertain label field the
auditor reads differently (site code, sponsor, ICP, 公网安备, badge, sitemap, contact, meta tags,
header name).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_labels import mismatches
from helpers import SHARED, BrowserSession

from auditor.artifacts import Artifacts
from auditor.demo.server import DemoServer

LABELS = SHARED / "corpus" / "real" / "labels.json"


def _labels() -> list[dict]:
    return json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.exists() else []


@pytest.fixture(scope="module")
def rendered(browser_session: BrowserSession) -> dict[str, Artifacts]:
    labels = _labels()
    with DemoServer(root=LABELS.parent / "pages") as server:
        arts = browser_session.render_all([server.url + label["file"] for label in labels])
    return {label["file"]: art for label, art in zip(labels, arts, strict=True)}


def test_corpus_has_the_labelled_pages() -> None:
    assert len(_labels()) == 22


@pytest.mark.parametrize("label", _labels(), ids=lambda lab: lab["file"])
def test_extraction_matches_label(label: dict, rendered: dict[str, Artifacts]) -> None:
    art = rendered[label["file"]]
    assert art.loaded, art.load_error
    assert mismatches(art, label) == []


def test_corpus_path_is_the_shared_folder() -> None:
    assert Path(LABELS).is_file(), f"labels not found at {LABELS}"
