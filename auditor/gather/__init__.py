"""Gatherers: the browser and network work that fills a page's artifacts.

Each gatherer observes and records; none judges. The checks in ``auditor.checks`` read only what
these leave in :class:`auditor.artifacts.Artifacts`, and name the fields they read, so a gatherer
that failed or was skipped can never let a check pass.

This module is the registry: what each gatherer fills, on which pages, the ``--skip`` key that
turns it off, and where its step lives. It imports nothing heavy (no Playwright, no OpenCV), so
``import auditor.checks`` stays cheap; a step is imported when the engine first runs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.artifacts import Artifacts
    from auditor.browser.renderer import Renderer, SiteSession

__all__ = [
    "GATHERERS",
    "SKIPPABLE",
    "GatherContext",
    "Gatherer",
    "Scope",
    "owner_of",
    "unknown_skip_keys",
]


class Scope(StrEnum):
    PAGE = "page"  # every audited page
    HOME = "home"  # the home page only (interaction probes, the elderly-mode page)


@dataclass
class GatherContext:
    """What a gatherer step may use for one rendered page."""

    session: SiteSession
    art: Artifacts
    site_dir: Path
    index: int  # the page's number in its site (p00 = home page)
    shot: Path  # the page's full-page screenshot
    is_home: bool

    @property
    def renderer(self) -> Renderer:
        return self.session.renderer

    @property
    def url(self) -> str:
        return self.art.final_url or self.art.url

    def file(self, suffix: str) -> Path:
        """A file of this page in the site's folder, e.g. ``p03-mobile.png``."""
        return self.site_dir / f"p{self.index:02d}{suffix}"


Step = Callable[[GatherContext], Awaitable[None]]


@dataclass(frozen=True)
class Gatherer:
    key: str  # the --skip key; also how a run records that this gatherer was skipped
    fields: tuple[str, ...]  # the Artifacts fields it fills (a failure marks each of them)
    scope: Scope
    label: str  # its name in messages (Chinese)
    step: str = ""  # "module:function" of its async step; "" = done inside the page render
    skippable: bool = True

    def applies(self, *, is_home: bool) -> bool:
        return self.scope is Scope.PAGE or is_home

    def load(self) -> Step:
        module, _, name = self.step.partition(":")
        fn: Step = getattr(importlib.import_module(module), name)
        return fn


# What the one page render fills (gather.js and the navigation around it).
RENDER_FIELDS = (
    "final_url",
    "status",
    "content_type",
    "load_error",
    "load_ms",
    "title",
    "metas",
    "header",
    "footer",
    "headings",
    "info_blocks",
    "body_text",
    "links",
    "images",
    "forms",
    "scripts",
    "frames",
    "list_items",
    "empty_lists",
    "main_font_px",
    "truncated",
    "console_errors",
    "navigation_settled",
    "document_size",
    "viewport",
    "screenshot",
    "loading",
    "self_navigation",
    "blocked_requests",
    "popups",
)

GATHERERS: tuple[Gatherer, ...] = (
    Gatherer("render", RENDER_FIELDS, Scope.PAGE, "页面渲染", skippable=False),
    # axe-core runs inside the render, before the screenshot, so its boxes match the picture.
    Gatherer("a11y", ("axe",), Scope.PAGE, "无障碍检测"),
    # The wording lists are matched inside the render too: their hits are located in the page.
    Gatherer("wording", ("wording",), Scope.PAGE, "表述错误词表比对"),
    Gatherer(
        "sitemap", ("probes",), Scope.PAGE, "网站地图探测", "auditor.gather.sitemap:gather", False
    ),
    Gatherer(
        "probes", ("interaction",), Scope.HOME, "互动功能探测", "auditor.gather.interaction:gather"
    ),
    Gatherer("phone", ("mobile",), Scope.PAGE, "手机版渲染", "auditor.gather.phone:gather"),
    Gatherer("elderly", ("elderly",), Scope.HOME, "长者版探测", "auditor.gather.elderly:gather"),
    Gatherer("links", ("link_status",), Scope.PAGE, "链接检查", "auditor.gather.links:gather"),
    Gatherer("qr", ("qr",), Scope.PAGE, "二维码识别", "auditor.gather.qr:gather"),
    Gatherer(
        "cloaking", ("cloaking",), Scope.HOME, "搜索引擎视角抓取", "auditor.gather.cloaking:gather"
    ),
    Gatherer(
        "attachments",
        ("attachments",),
        Scope.PAGE,
        "附件检查",
        "auditor.gather.attachments:gather",
    ),
)

SKIPPABLE: tuple[str, ...] = tuple(g.key for g in GATHERERS if g.skippable)

_OWNERS = {name: g for g in GATHERERS for name in g.fields}


def owner_of(field: str) -> Gatherer:
    """The gatherer that fills ``field``; KeyError for a name no gatherer fills."""
    return _OWNERS[field]


def unknown_skip_keys(keys: set[str] | frozenset[str]) -> list[str]:
    return sorted(set(keys) - set(SKIPPABLE))
