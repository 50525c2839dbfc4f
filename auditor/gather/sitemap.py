"""The footer's 网站地图 link, asked over HTTP once per run (footer-sitemap reads the answer)."""

from __future__ import annotations

from auditor.extract.page import sitemap_link
from auditor.gather import GatherContext


async def gather(ctx: GatherContext) -> None:
    link = sitemap_link(ctx.art)
    if link and ctx.renderer.may_fetch(link.href):
        ctx.art.probes[link.href] = await ctx.renderer.probe(link.href)
