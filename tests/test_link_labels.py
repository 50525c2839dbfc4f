"""A link's label is its text, its title and the alt of the pictures it holds: every rule that looks
for a labelled link (网站地图, 联系我们, 年报, 留言) reads it, so a linked picture counts like text."""

from __future__ import annotations

import dataclasses

import pytest
from builders import HOME, footer_page, link

from auditor.artifacts import Artifacts, Link
from auditor.checks.base import run_check
from auditor.checks.footer import footer_contact, footer_sitemap
from auditor.checks.interaction import annual_report, interaction_channel
from auditor.extract import page as extract
from auditor.extract.entries import annual_report_links, channels
from auditor.model import Outcome, SiteSpec

SITE = SiteSpec(url=HOME)
MAP = HOME + "sitemap.html"


def pictured(href: str, alt: str, *, region: str = "footer") -> Link:
    """``<a href><img alt></a>``: no text of its own, labelled by the picture."""
    return dataclasses.replace(link(href, "", region=region), alt=alt)


def page_with(*links: Link) -> Artifacts:
    return footer_page(["版权所有：示例市人民政府"], links=list(links))


@pytest.mark.parametrize(
    ("lk", "label"),
    [
        (Link(href=MAP, text="网站地图"), "网站地图"),
        (Link(href=MAP, title="网站地图"), "网站地图"),
        (Link(href=MAP, alt="网站地图"), "网站地图"),
        (Link(href=MAP, text="网站地图", title="网站地图", alt="网站地图"), "网站地图"),
        (Link(href=MAP, text="更多", title="网站地图"), "更多 网站地图"),
        (Link(href=MAP, text=" 网站\n地图 "), "网站 地图"),
        (Link(href=MAP), ""),
    ],
)
def test_label_joins_text_title_and_picture_alt_once_each(lk: Link, label: str) -> None:
    assert lk.label == label


def test_sitemap_link_of_a_picture_counts() -> None:
    art = page_with(pictured(MAP, "网站地图"))
    found = extract.sitemap_link(art)
    assert found is not None and found.href == MAP
    assert run_check(footer_sitemap, art, SITE)[0].outcome is Outcome.PASS


def test_sitemap_link_by_title_counts() -> None:
    art = page_with(link(MAP, "", title="站点地图"))
    assert extract.sitemap_link(art) is not None


def test_no_labelled_link_is_no_sitemap() -> None:
    art = page_with(pictured(MAP, "党政机关网站标识"), link(HOME + "a.html", "首页"))
    assert extract.sitemap_link(art) is None
    assert run_check(footer_sitemap, art, SITE)[0].outcome is Outcome.FAIL


def test_contact_link_of_a_picture_counts() -> None:
    art = page_with(pictured(HOME + "lxwm.html", "联系我们"))
    found = extract.contact(art)
    assert [f.value for f in found] == ["联系我们"]
    assert run_check(footer_contact, art, SITE)[0].outcome is Outcome.PASS


def test_annual_report_link_of_a_picture_counts() -> None:
    report = pictured(HOME + "ndbb/2025.html", "政府网站工作年度报表", region="")
    art = page_with(report)
    assert annual_report_links(art) == [report]
    assert run_check(annual_report, art, SITE)[0].outcome is Outcome.PASS


def test_annual_report_missing_still_fails() -> None:
    art = page_with(pictured(HOME + "a.html", "领导信箱", region=""))
    assert annual_report_links(art) == []
    assert run_check(annual_report, art, SITE)[0].outcome is Outcome.FAIL


def test_message_channel_of_a_picture_counts_and_is_named_by_it() -> None:
    board = pictured(HOME + "hdjl/", "我要留言", region="")
    art = page_with(board, pictured(HOME + "xf/", "网上信访", region=""))
    assert channels(art) == [board]
    art.interaction = {"form": {"loaded": False, "status": 404}}
    finding = run_check(interaction_channel, art, SITE)[0]
    assert finding.outcome is Outcome.FAIL
    assert "“我要留言”" in finding.message  # named by its picture, not an empty “”


def test_petition_picture_is_no_message_channel() -> None:
    art = page_with(pictured(HOME + "xf/", "网上信访", region=""))
    assert channels(art) == []
