"""Where the wording lists' terms occur on a rendered page, and where they are drawn.

Runs inside the page render (the tab is still open): the dictionary is matched in Python over
the title, the ``<meta>`` contents and the visible text; only when something is found does the
page locate those phrases, so the evidence outlines the words themselves. A page with no hit
costs one Aho-Corasick pass and no browser call.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError

from auditor.browser.bounded import StepTimeout
from auditor.errors import describe
from auditor.extract.wording import lexicon, occurrences
from auditor.js import script

if TYPE_CHECKING:
    from auditor.artifacts import Artifacts
    from auditor.browser.bounded import TabWatch

__all__ = ["gather_wording"]

LOCATE_LIMIT_S = 5.0


async def gather_wording(tab: TabWatch, art: Artifacts, extra: tuple[Path, ...]) -> None:
    lex = lexicon(extra)
    texts = [("网页标题", art.title)]
    texts += [(f"网页标签 {m.name}", m.content) for m in art.metas if m.content]
    texts.append(("正文", art.body_text))
    hits = occurrences(lex, texts)
    found: dict[str, object] = {"lists": [dict(x) for x in lex.lists], "hits": hits, "marks": []}
    phrases = sorted({h["wrong"] for h in hits if h["where"] == "正文"})
    if phrases and not tab.page.is_closed():
        try:
            found["marks"] = await tab.evaluate(
                "表述定位", script("wording_locate"), phrases, LOCATE_LIMIT_S
            )
        except StepTimeout as exc:
            if not exc.usable:
                raise  # the render closes a tab that no longer answers
            found["unlocated"] = str(exc)  # the words are found; only their boxes are not
        except PlaywrightError as exc:
            found["unlocated"] = describe(exc)
    art.wording = found
