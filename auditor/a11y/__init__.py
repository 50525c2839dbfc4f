"""Accessibility (GB/T 37668-2019), 适老化 and mobile gatherers (issue 5).

Each gatherer works in the browser and returns plain JSON for ``Artifacts.axe``,
``Artifacts.mobile`` and ``Artifacts.elderly``; the checks in ``auditor.checks.accessibility`` read
only that data (STYLE.md §1). ``fixtures/`` holds the pages the tests run them on, with
``fixtures/expected.json`` declaring what each page must produce.
"""

from __future__ import annotations

from pathlib import Path

from auditor.a11y.axe import run_axe
from auditor.a11y.elderly import find_elderly_entry, page_font_px, probe_elderly
from auditor.a11y.phone import render_phone, screenshot_rect

FIXTURES = Path(__file__).resolve().parent / "fixtures"

__all__ = [
    "FIXTURES",
    "find_elderly_entry",
    "page_font_px",
    "probe_elderly",
    "render_phone",
    "run_axe",
    "screenshot_rect",
]
