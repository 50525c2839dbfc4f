"""Plain-data artifacts gathered from one render of one page.

Checks read only these: no Playwright object ever reaches a check, so artifacts can be
saved with ``auditor gather`` and checked again offline with ``auditor check --from DIR``.
Rects are in document CSS pixels, the coordinates of the full-page screenshot.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from auditor.model import PageType, Rect

T = TypeVar("T")


@dataclass(frozen=True)
class Meta:
    name: str  # as written in the page: case kept
    content: str


@dataclass(frozen=True)
class TextBlock:
    """A visible element's own text, with where it is drawn."""

    text: str
    selector: str = ""
    rect: Rect | None = None
    snippet: str = ""


@dataclass(frozen=True)
class Link:
    href: str  # absolute URL ("" when the anchor has no href)
    text: str = ""
    title: str = ""
    selector: str = ""
    rect: Rect | None = None
    visible: bool = True
    # Drawn, yet not seen: "transparent" (an ancestor at opacity 0), "same-color" (text in its
    # background's colour), "clipped" (clipped to nothing), "covered" (an opaque element drawn
    # over it), "marquee" (in a marquee too small to show it); "" when a visitor can see it.
    hidden: str = ""
    region: str = ""  # "header", "footer" or ""
    snippet: str = ""
    alt: str = ""  # alt/title of the pictures inside the anchor (a linked 网站地图 image)

    @property
    def label(self) -> str:
        """What the link says to a visitor: its text, its title and its pictures' alt, once each.

        Rules that look for a labelled link (网站地图, 联系我们, 年报, 留言) read this, so an
        ``<a title>`` or an ``<a><img alt="网站地图"></a>`` counts like a text link.
        """
        parts: list[str] = []
        for part in (self.text, self.title, self.alt):
            part = " ".join(part.split())
            if part and not any(part in p for p in parts):
                parts.append(part)
        return " ".join(parts)


@dataclass(frozen=True)
class Image:
    src: str
    alt: str | None = None
    title: str | None = None
    selector: str = ""
    rect: Rect | None = None
    visible: bool = True
    region: str = ""
    natural_width: int = 0
    natural_height: int = 0
    link_href: str = ""  # the enclosing <a href>, if any
    snippet: str = ""
    caption: str = ""  # short text next to the image (微信公众号, 政务微博…), for QR codes


@dataclass(frozen=True)
class FormField:
    name: str
    type: str
    required: bool = False
    label: str = ""


@dataclass(frozen=True)
class Form:
    action: str
    method: str = "get"
    selector: str = ""
    rect: Rect | None = None
    fields: list[FormField] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class Script:
    src: str = ""
    id: str = ""
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
    """The header (头部标识区) or footer (底部功能区) as it was found on the rendered page."""

    found: bool = False
    text: str = ""
    rect: Rect | None = None
    selector: str = ""
    blocks: list[TextBlock] = field(default_factory=list)


@dataclass
class Artifacts:
    """Everything the checks may look at, for one page."""

    url: str
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    load_error: str = ""  # navigation failure (timeout, DNS, refused, non-HTML)
    load_ms: float = 0.0
    page_type: PageType = PageType.HOME
    title: str = ""
    metas: list[Meta] = field(default_factory=list)
    header: Region = field(default_factory=Region)
    footer: Region = field(default_factory=Region)
    headings: list[TextBlock] = field(default_factory=list)  # h1/h2 and title-like blocks
    info_blocks: list[TextBlock] = field(default_factory=list)  # 发布时间/来源 lines
    body_text: str = ""
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    probes: dict[str, int | str] = field(default_factory=dict)  # url -> HTTP status or error
    # Results of the optional gatherers, as plain JSON data (None = not gathered on this page):
    axe: dict[str, Any] | None = None  # axe-core run (accessibility)
    mobile: dict[str, Any] | None = None  # the same URL rendered at a phone viewport
    elderly: dict[str, Any] | None = None  # the elderly-mode (长者版/关怀版) page, if any
    list_items: list[dict[str, Any]] = field(default_factory=list)  # list rows, dated or not
    # List containers (class/id naming a list) drawn with no entry at all: a 空白栏目's list.
    empty_lists: list[dict[str, Any]] = field(default_factory=list)
    link_status: dict[str, dict[str, Any]] = field(default_factory=dict)  # url -> link check
    qr: list[dict[str, Any]] = field(default_factory=list)  # QR candidates and decodes
    main_font_px: float = 0.0  # median size of the main text (compared with the elderly mode)
    interaction: dict[str, Any] | None = None  # form probes (互动交流, search)
    cloaking: dict[str, Any] | None = None  # the home page as crawlers and phones receive it
    wording: dict[str, Any] | None = None  # wording-list hits with their context and boxes
    # The page's attachments read for personal data: masked counts and locations only.
    attachments: dict[str, Any] | None = None
    document_size: tuple[int, int] = (0, 0)
    viewport: tuple[int, int] = (0, 0)
    screenshot: str = ""  # file name next to the saved artifacts / in the run directory
    gathered_at: str = ""
    as_of: str = ""  # audit date (YYYY-MM-DD) that ages are computed against; "" = gathered_at
    # A province's update windows (days) by column class (news, notice, plan, other), from the
    # configuration file; a class not named keeps data/columns.toml's window.
    column_windows: dict[str, int] = field(default_factory=dict)
    browser_version: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # gatherer -> why it failed (中文)
    error_details: dict[str, str] = field(default_factory=dict)  # gatherer -> the exception
    # How the page was loaded: attempts, each failure's kind/message/browser detail, and whether
    # the final failure was a browser-side hiccup (transient) rather than the site's answer.
    loading: dict[str, Any] = field(default_factory=dict)
    # URLs the page navigated itself to after loading (meta refresh, location=…), in order, and
    # whether it came to rest on one of them within the render.
    self_navigation: list[str] = field(default_factory=list)
    navigation_settled: bool = True
    # What the page tried to send besides GET/HEAD (aborted), and how many pop-ups it tried to
    # open (blocked as a visitor's browser does, or closed as they opened).
    blocked_requests: list[dict[str, Any]] = field(default_factory=list)
    popups: int = 0
    truncated: dict[str, int] = field(default_factory=dict)  # list -> how many there were
    skipped: list[str] = field(default_factory=list)  # gatherers turned off (--skip) on this page
    timings: dict[str, dict[str, float]] = field(default_factory=dict)  # gatherer -> wall/CPU ms

    # -- helpers the checks share -------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        """First ``<meta name>`` content, matched case-sensitively (the rule's spelling)."""
        for m in self.metas:
            if m.name == name:
                return m.content
        return None

    def meta_any_case(self, name: str) -> Meta | None:
        low = name.lower()
        for m in self.metas:
            if m.name.lower() == low:
                return m
        return None

    @property
    def loaded(self) -> bool:
        return not self.load_error and (self.status is None or self.status < 400)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Artifacts:
        art = _build(cls, d)
        for name in ("axe", "mobile", "elderly", "interaction"):  # artifacts of older versions
            reason = failure_inside(getattr(art, name))
            if reason:
                art.errors.setdefault(name, reason)
        return art

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Artifacts:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def failure_inside(value: Any) -> str:
    """Why a probe failed, when it says so inside its own result (``{"error": …}``).

    The elderly-mode probe also reports a page that did not open (``load_failed``): that is the
    site's answer, judged by its check, not a failure of the probe.
    """
    if isinstance(value, dict) and value.get("error") and not value.get("load_failed"):
        return str(value["error"])
    return ""


# -- JSON -> dataclass ---------------------------------------------------------------------------

_NESTED: dict[tuple[type, str], type] = {
    (Artifacts, "metas"): Meta,
    (Artifacts, "headings"): TextBlock,
    (Artifacts, "info_blocks"): TextBlock,
    (Artifacts, "links"): Link,
    (Artifacts, "images"): Image,
    (Artifacts, "forms"): Form,
    (Artifacts, "scripts"): Script,
    (Region, "blocks"): TextBlock,
    (Form, "fields"): FormField,
}
_SINGLE: dict[tuple[type, str], type] = {
    (Artifacts, "header"): Region,
    (Artifacts, "footer"): Region,
}


def _build(cls: type[T], d: dict[str, Any]) -> T:
    """Rebuild a dataclass tree from its ``asdict`` form (the inverse of dataclasses.asdict)."""
    kwargs: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    for key, value in d.items():
        if key not in names:
            continue  # tolerate artifacts written by a newer version
        if key == "rect":
            value = Rect.from_dict(value)
        elif key == "page_type":
            value = PageType(value)
        elif key in ("document_size", "viewport"):
            value = tuple(value)
        elif (cls, key) in _NESTED:
            value = [_build(_NESTED[(cls, key)], v) for v in value]
        elif (cls, key) in _SINGLE:
            value = _build(_SINGLE[(cls, key)], value)
        kwargs[key] = value
    return cls(**kwargs)
