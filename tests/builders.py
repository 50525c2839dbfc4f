"""Hand-made artifacts for unit tests: a footer or a set of meta tags, no browser.

Every footer line becomes one drawn :class:`TextBlock` with a fake rect and selector, so tests can
check that a finding points at the element that shows the thing.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.artifacts import Artifacts, Image, Link, Meta, Region, Script, TextBlock
from auditor.model import PageType, Rect

HOME = "https://www.example.gov.cn/"
FOOTER_TOP = 2000.0
LINE_HEIGHT = 20.0


def line_rect(i: int, text: str = "") -> Rect:
    """Where footer line ``i`` is drawn: one row of the footer, as wide as its text."""
    return Rect(100.0, FOOTER_TOP + LINE_HEIGHT * i, 14.0 * max(len(text), 1), LINE_HEIGHT - 2)


def line_selector(i: int) -> str:
    return f"#footer > p:nth-of-type({i + 1})"


def footer_region(lines: Sequence[str]) -> Region:
    blocks = [
        TextBlock(text=t, selector=line_selector(i), rect=line_rect(i, t), snippet=f"<p>{t}</p>")
        for i, t in enumerate(lines)
    ]
    rect = Rect(0.0, FOOTER_TOP, 1366.0, LINE_HEIGHT * max(len(lines), 1))
    return Region(found=True, text="\n".join(lines), rect=rect, selector="#footer", blocks=blocks)


def link(href: str, text: str = "", *, region: str = "footer", title: str = "") -> Link:
    """A visible link drawn in the footer (or at the top of the page for ``region="header"``)."""
    y = 10.0 if region == "header" else FOOTER_TOP
    return Link(
        href=href,
        text=text,
        title=title,
        selector=f'#{region or "main"} a[href="{href}"]',
        rect=Rect(600.0, y, 80.0, 18.0),
        region=region,
        snippet=f'<a href="{href}">{text}</a>',
    )


def image(
    src: str,
    *,
    alt: str | None = None,
    title: str | None = None,
    link_href: str = "",
    region: str = "footer",
    snippet: str = "",
    rect: Rect | None = None,
    selector: str = "",
) -> Image:
    """A visible image; footer images sit below the footer text, header images at the top."""
    if rect is None:
        rect = Rect(40.0, 20.0, 400.0, 80.0) if region == "header" else Rect(40.0, 2100.0, 60, 70)
    return Image(
        src=src,
        alt=alt,
        title=title,
        selector=selector or f'img[src="{src}"]',
        rect=rect,
        region=region,
        link_href=link_href,
        snippet=snippet or f'<img src="{src}">',
    )


def metas_of(metas: dict[str, str]) -> list[Meta]:
    return [Meta(name, content) for name, content in metas.items()]


def footer_page(
    lines: Sequence[str],
    *,
    links: Sequence[Link] = (),
    images: Sequence[Image] = (),
    scripts: Sequence[Script] = (),
    metas: dict[str, str] | None = None,
    page_type: PageType = PageType.HOME,
    url: str = HOME,
    **fields: object,
) -> Artifacts:
    """A loaded page whose footer shows ``lines``, one drawn block per line."""
    return Artifacts(
        url=url,
        final_url=url,
        status=200,
        page_type=page_type,
        footer=footer_region(lines),
        links=list(links),
        images=list(images),
        scripts=list(scripts),
        metas=metas_of(metas or {}),
        **fields,  # type: ignore[arg-type]
    )


def meta_page(*, page_type: PageType = PageType.HOME, url: str = HOME, **metas: str) -> Artifacts:
    """A loaded page with only ``<meta name=... content=...>`` tags (names spelt as given)."""
    return Artifacts(url=url, final_url=url, status=200, page_type=page_type, metas=metas_of(metas))


def header_region(text: str) -> Region:
    """A found header whose visible text is ``text``."""
    rect = Rect(0.0, 0.0, 1366.0, 120.0)
    block = TextBlock(text=text, selector="#header h1", rect=Rect(40.0, 30.0, 500.0, 40.0))
    return Region(found=True, text=text, rect=rect, selector="#header", blocks=[block])
