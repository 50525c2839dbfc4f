"""``auditor gather``: render pages and save their artifacts and screenshots, nothing judged.

Laid out as ``audit`` lays out a run, so ``auditor check --from DIR`` judges them later without
a browser; every gatherer beyond the render counts as skipped, so no check passes on data that
was never gathered.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from auditor.engine import AuditOptions, Renderer, prepare_site_dir, site_dir_name
from auditor.extract.page_type import classify_start
from auditor.gather import GATHERERS
from auditor.model import SiteSpec

__all__ = ["gather_only"]


async def gather_only(urls: list[str], options: AuditOptions) -> list[Path]:
    """Render each URL as a one-page site; return the saved artifacts files."""
    renderer = Renderer(options)
    async with renderer.running():

        async def one(i: int, url: str) -> Path:
            site = SiteSpec(url=url)
            site_dir = options.out_dir / site_dir_name(i, site)
            prepare_site_dir(site_dir, site)
            async with renderer.site() as session:
                art = await session.render(url, site_dir / "p00.png")
            art.page_type = classify_start(art, rules=options.rules, forced=options.start_page_type)
            art.skipped = [g.key for g in GATHERERS if g.key != "render"]
            path = site_dir / "p00.artifacts.json"
            art.save(path)
            return path

        return list(await asyncio.gather(*(one(i, u) for i, u in enumerate(urls, 1))))
