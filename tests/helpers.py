"""Helpers shared by the browser tests (importable as ``helpers``; pytest puts tests/ on the path)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from auditor.artifacts import Artifacts
from auditor.engine import AuditOptions, Renderer

REPO = Path(__file__).resolve().parent.parent
A11Y_FIXTURES = REPO / "tests" / "fixtures" / "a11y"
SHARED = Path(os.environ.get("AUDITOR_SHARED", REPO.parent / "shared"))


def render_all(urls: list[str], tmp: Path | None = None) -> list[Artifacts]:
    """Render ``urls`` concurrently in one browser, exactly as the engine does."""

    async def go() -> list[Artifacts]:
        renderer = Renderer(AuditOptions(out_dir=tmp or Path("."), test_mode=True))
        async with renderer.running():
            return list(
                await asyncio.gather(
                    *(
                        renderer.render(u, (tmp / f"{i}.png") if tmp else None)
                        for i, u in enumerate(urls)
                    )
                )
            )

    return asyncio.run(go())


def nested(inner_message: str) -> BaseException:
    """An exception with an empty message whose cause holds ``inner_message`` (as chained
    errors arrive from asyncio and Playwright)."""
    try:
        try:
            raise ValueError(inner_message)
        except ValueError as inner:
            raise RuntimeError() from inner
    except RuntimeError as outer:
        return outer
