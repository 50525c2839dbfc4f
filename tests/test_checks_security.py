"""暗链 (dark-links, 国办秘函〔2019〕19号 单项否决/安全) on hand-made links, through run_check."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.artifacts import Artifacts, Link
from auditor.checks.base import run_check
from auditor.checks.security import dark_links
from auditor.model import Outcome, Rect, SiteSpec

HOME = "https://www.example.gov.cn/"
SITE = SiteSpec(url=HOME)
SHOWN = Rect(100.0, 300.0, 80.0, 18.0)
FIXTURES = Path(__file__).parent / "fixtures"


def page(*links: Link) -> Artifacts:
    return Artifacts(
        url=HOME, final_url=HOME, status=200, links=list(links), document_size=(1366, 3000)
    )


def hidden(href: str, text: str = "", *, rect: Rect | None = None, visible: bool = False) -> Link:
    return Link(href=href, text=text, selector=f'a[href="{href}"]', rect=rect, visible=visible)


def findings(*links: Link):
    return [f for f in run_check(dark_links, page(*links), SITE) if f.outcome is not Outcome.PASS]


@pytest.mark.parametrize(
    ("href", "text", "why"),
    [
        ("https://www.88bet-casino.com/", "澳门博彩", "博彩"),
        ("http://a8k3x9q.com/index.html", "", "随机字符"),
        ("https://promo.example.top/", "优惠活动", ".top"),
        ("https://www.example.com/porn/1.html", "", "porn"),
    ],
)
def test_a_hidden_link_to_a_gambling_porn_or_random_host_fails_the_veto(href, text, why):
    (f,) = findings(hidden(href, text))
    assert f.outcome is Outcome.FAIL and f.role.value == "veto"
    assert "暗链" in f.message and why in f.message
    assert f.data["url"] == href and f.region == "page"  # no box to outline: the page is shown


def test_a_link_pushed_off_the_page_is_hidden_and_outlined_where_it_sits():
    off = hidden(
        "https://www.88bet-casino.com/", "百家乐", rect=Rect(-9999, 40, 80, 18), visible=True
    )
    (f,) = findings(off)
    assert f.outcome is Outcome.FAIL and "可见范围之外" in f.message
    assert f.rect == off.rect and f.selector == 'a[href="https://www.88bet-casino.com/"]'


def test_a_concealed_link_to_an_ordinary_foreign_host_is_left_for_review():
    off = hidden("https://www.some-company.com.cn/a.html", "合作单位", rect=Rect(-999, 9, 60, 18))
    (f,) = findings(Link(**{**off.__dict__, "visible": True}))
    assert f.outcome is Outcome.REVIEW and "请人工确认" in f.message


def test_a_friend_link_dropdown_not_drawn_or_an_empty_anchor_is_no_finding():
    """display:none 友情链接 menus of academies and newspapers; a zero-width badge anchor."""
    dropdown = [hidden(f"http://www.inst{n}.org.cn/", f"研究院{n}") for n in range(5)]
    badge = hidden("https://www.itrust.org.cn/", "", rect=Rect(0, 1092, 0, 19))
    assert findings(*dropdown, badge) == []


@pytest.mark.parametrize(
    "href",
    [
        "https://www.example.gov.cn/col/zwgk/index.html",  # the site's own dropdown menu
        "https://www.shanghai.gov.cn/",  # another government site
        "https://weibo.com/u/123456",  # a platform (share menu)
        "http://www.xinhuanet.com/politics/",  # central media
        "javascript:void(0)",
    ],
)
def test_hidden_menus_and_links_to_government_platform_or_media_hosts_are_fine(href):
    assert findings(hidden(href, "菜单")) == []


def test_a_visible_link_is_never_a_dark_link_whatever_it_says():
    shown = Link(href="https://www.88bet-casino.com/", text="博彩", rect=SHOWN, visible=True)
    assert findings(shown) == []
    assert [f.outcome for f in run_check(dark_links, page(shown), SITE)] == [Outcome.PASS]


# -- on a rendered page ------------------------------------------------------------------------

# What the fixture page must produce, by link address: nothing else may be reported.
RENDERED = {
    "http://www.88bet-casino.com/": Outcome.FAIL,  # display:none
    "http://a8k3x9q.com/": Outcome.FAIL,  # pushed off the page to the left
    "http://www.vip-slot.top/": Outcome.FAIL,  # font-size:0
    "http://www.example-lottery.cc/": Outcome.FAIL,  # written by a script after load, hidden
    "http://www.sun-city.xyz/": Outcome.FAIL,  # white on white
    "http://www.poker-king.net/": Outcome.FAIL,  # clipped to nothing
    "https://www.some-company.com.cn/seo.html": Outcome.REVIEW,  # opacity:0 parent, ordinary host
    "http://www.dafa888.cc/": Outcome.FAIL,  # a white box drawn over it
    "http://www.luckyhall.vip/": Outcome.FAIL,  # inside a 1-px marquee
}


@pytest.mark.browser
def test_the_rendered_fixture_page_has_exactly_its_dark_links(browser_session, page_server):
    root, server = page_server
    (root / "index.html").write_bytes((FIXTURES / "dark-links.html").read_bytes())
    art = browser_session.render(server.url + "index.html")
    assert art.loaded, art.load_error
    found = {
        url: f.outcome
        for f in run_check(dark_links, art, SiteSpec(url=server.url))
        if f.outcome is not Outcome.PASS
        for url in f.data.get("urls") or [f.data["url"]]
    }
    assert found == RENDERED
    how = {
        f.data["url"]: f.data["hidden"]
        for f in run_check(dark_links, art, SiteSpec(url=server.url))
        if f.data.get("kind") == "dark-link"
    }
    assert how["http://www.dafa888.cc/"] == "被其他元素遮挡"
    assert how["http://www.luckyhall.vip/"] == "位于极小的滚动字幕框中"


@pytest.mark.parametrize(
    ("hidden", "how"),
    [("transparent", "完全透明"), ("same-color", "颜色与背景相同"), ("clipped", "裁剪")],
)
def test_a_drawn_but_concealed_link_is_hidden_and_says_how(hidden, how):
    link = Link(
        href="https://www.88bet-casino.com/", text="博彩", rect=SHOWN, visible=True, hidden=hidden
    )
    (f,) = findings(link)
    assert f.outcome is Outcome.FAIL and how in f.message and f.rect == SHOWN


def test_hidden_links_to_ordinary_hosts_are_one_review_line_per_page():
    """A hidden 友情链接 dropdown of institutions: one line for a person, not one per link."""
    links = [
        Link(href=f"http://www.inst{n}.org.cn/", text=f"单位{n}", rect=SHOWN, hidden="same-color")
        for n in range(7)
    ]
    (f,) = findings(*links)
    assert f.outcome is Outcome.REVIEW
    assert f.message.startswith("页面有7个访问者看不到的链接指向非政府网站（www.inst0.org.cn、")
    assert "等7个网站" in f.message and len(f.data["urls"]) == 7


@pytest.mark.parametrize(
    "href",
    [
        "https://www.12377.cn/",
        "http://bszs.conac.cn/sitename?method=show&id=1",
        "https://pc.qq.com/x",
    ],
)
def test_hidden_links_to_the_report_centres_the_site_seal_and_big_portals_are_fine(href):
    assert findings(hidden(href)) == []


def test_a_name_with_a_number_is_not_a_random_domain():
    link = Link(href="http://www.hb12345.com/", text="便民热线", rect=SHOWN, hidden="clipped")
    (f,) = findings(link)
    assert f.outcome is Outcome.REVIEW  # concealed and foreign, but nothing says it is dark
