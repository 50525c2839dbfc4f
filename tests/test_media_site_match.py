"""media-site-match: the accounts a website shows against the accounts list (unit tests over
artifacts dicts; the browser run through ``audit --sites … --accounts …`` is in
``test_media_site_match_browser.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.checks import MEDIA_BY_ID, run_media_list_check
from auditor.checks.media import MEDIA_SITE_CHECKS
from auditor.media.accounts import Account
from auditor.media.profile import Profile
from auditor.media.run import AccountResult, judge_sites, sites_shown
from auditor.media.site_match import SiteShows, account_key, compare, shown_on_pages
from auditor.model import Outcome
from auditor.notice.media_rows import load_accounts

UNIT = "示例市人民政府"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://weibo.com/u/123", ("weibo", "123")),
        ("https://weibo.com/123/", ("weibo", "123")),
        ("http://m.weibo.cn/u/123?from=qr", ("weibo", "123")),
        ("https://weibo.cn/profile/123", ("weibo", "123")),
        ("https://www.weibo.com/p/1005051234", ("weibo", "1234")),
        ("https://WEIBO.com/ChengduFabu", ("weibo", "chengdufabu")),
        ("https://weibo.com/123/Cq1AbC", ("weibo", "123")),  # a post names its author
        ("https://weibo.com/", None),  # the platform's home page
        ("https://m.weibo.cn/status/4890", None),  # a post without its author
        ("https://service.weibo.com/share/share.php?url=https://x.gov.cn/", None),  # share button
        ("https://mp.weixin.qq.com/s?__biz=MzA5==&mid=1", ("weixin", "MzA5")),
        ("http://weixin.qq.com/r/AbCdEf", ("weixin", "")),  # a 公众号 QR: not comparable
        ("https://www.toutiao.com/c/user/token/MS4w/", ("toutiao", "MS4w")),
        ("https://space.bilibili.com/42/", ("bilibili", "42")),
        ("https://www.bilibili.com/video/BV1", None),
        ("https://apps.apple.com/cn/app/x/id1234", ("app", "id1234")),
        ("https://www.example.gov.cn/weibo/", None),  # a generic page is no account
    ],
)
def test_account_addresses_are_normalised(url: str, key: tuple[str, str] | None) -> None:
    assert account_key(url) == key


def page(qr: list[str] = (), links: list[tuple[str, str]] = (), **extra: object) -> dict:
    """An artifacts dict as ``p00.artifacts.json`` holds it (only the fields read here)."""
    return {
        "url": "https://www.example.gov.cn/",
        "screenshot": "p00.png",
        "qr": [{"payload": p, "caption": "官方微博"} for p in qr]
        + [{"payload": None, "caption": "微信"}],  # a code not read shows nothing
        "links": [{"href": h, "text": t, "visible": True, "hidden": ""} for h, t in links],
        **extra,
    }


def test_qr_payloads_and_platform_links_are_the_accounts_a_site_shows() -> None:
    shown = shown_on_pages(
        [
            page(
                qr=["https://m.weibo.cn/u/123", "https://www.example.gov.cn/app.html"],
                links=[
                    ("https://weibo.com/u/123/", "官方微博"),  # the same account again
                    ("https://service.weibo.com/share/share.php?url=x", "分享到微博"),
                    ("https://space.bilibili.com/42", "B站"),
                    ("https://www.gov.cn/", "中国政府网"),
                ],
            )
        ]
    )
    assert [(s.platform, s.ident, s.how) for s in shown] == [
        ("weibo", "123", "二维码"),
        ("bilibili", "42", "链接"),
    ]


def site(*pages_: dict, **spec: str) -> SiteShows:
    defaults = {"name": "示例市人民政府门户网站", "sponsor": UNIT, "region": "示例市"}
    return SiteShows(**(defaults | spec), shown=shown_on_pages(list(pages_)))


def acct(url: str, sponsor: str = UNIT, region: str = "示例市", **extra: str) -> Account:
    return Account(
        url=url, name="示例发布", platform="微博", sponsor=sponsor, region=region, extra=extra
    )


def findings(sites: list[SiteShows], accounts: list[Account]) -> list[tuple[int | None, str]]:
    return [(m.index, m.data["shown_url"]) for m in compare(sites, accounts)]


def test_a_site_showing_its_listed_account_has_no_finding() -> None:
    s = site(page(qr=["http://m.weibo.cn/u/123"]))
    assert findings([s], [acct("https://weibo.com/u/123/")]) == []


def test_an_account_shown_but_not_listed_is_told_on_the_units_account() -> None:
    s = site(page(links=[("https://space.bilibili.com/42", "B站")]))
    found = compare([s], [acct("https://weibo.com/u/123")])
    assert [(m.index, m.data["shown_url"]) for m in found] == [(0, "https://space.bilibili.com/42")]
    assert found[0].message == (
        "网站“示例市人民政府门户网站”的链接“B站”展示了哔哩哔哩账号https://space.bilibili.com/42，"
        "该账号未列入政务新媒体清单，待人工确认"
    )


def test_a_listed_account_whose_qr_points_elsewhere_is_told_once() -> None:
    s = site(page(qr=["https://weibo.com/u/999"]))
    found = compare([s], [acct("https://weibo.com/u/123")])
    assert [(m.index, m.data["shown_url"], m.data["listed_url"]) for m in found] == [
        (0, "https://weibo.com/u/999", "https://weibo.com/u/123")
    ]
    assert (
        "二维码指向微博账号https://weibo.com/u/999，与清单所列账号地址https://weibo.com/u/123不一致"
        in (found[0].message)
    )
    assert "该账号未列入清单" in found[0].message


def test_a_superior_units_listed_account_on_the_site_is_no_finding() -> None:
    s = site(page(qr=["https://weibo.com/u/1"], links=[("https://weibo.com/u/123", "示例发布")]))
    province = acct("https://weibo.com/u/1", sponsor="示例省人民政府", region="示例省")
    assert findings([s], [acct("https://weibo.com/u/123"), province]) == []
    # Showing only the 上级's account is not the unit's account pointing elsewhere either.
    s2 = site(page(qr=["https://weibo.com/u/1"]))
    assert findings([s2], [acct("https://weibo.com/u/123"), province]) == []


def test_a_site_is_matched_by_sponsor_site_name_or_site_code_and_not_across_regions() -> None:
    s = site(page(qr=["https://weibo.com/u/999"]), code="5101000001")
    by_name = acct("https://weibo.com/u/123", sponsor="示例市人民政府门户网站")
    by_code = acct("https://weibo.com/u/123", sponsor="示例市政府办", 网站标识码="5101000001")
    other_region = acct("https://weibo.com/u/123", region="别的市")
    other_unit = acct("https://weibo.com/u/123", sponsor="示例市公安局")
    assert findings([s], [by_name]) == [(0, "https://weibo.com/u/999")]
    assert findings([s], [by_code]) == [(0, "https://weibo.com/u/999")]
    # Not the site's unit: the shown account is missing from the list, with no account to hold it.
    assert findings([s], [other_region]) == [(None, "https://weibo.com/u/999")]
    assert findings([s], [other_unit]) == [(None, "https://weibo.com/u/999")]


def test_a_weixin_qr_is_compared_by_platform_only() -> None:
    s = site(page(qr=["http://weixin.qq.com/r/AbCd"]))
    listed = acct("https://mp.weixin.qq.com/s?__biz=MzA5==&mid=1")
    assert findings([s], [listed]) == []  # a 公众号 is listed: the QR cannot say which
    assert findings([s], [acct("https://weibo.com/u/123")]) == [(0, "http://weixin.qq.com/r/AbCd")]


def _results(*accounts: Account) -> list[AccountResult]:
    return [AccountResult(a, Profile(url=a.url, platform="weibo"), []) for a in accounts]


def test_the_check_is_review_on_the_account_and_not_applicable_without_sites() -> None:
    chk = MEDIA_SITE_CHECKS[0]
    assert MEDIA_BY_ID["media-site-match"] is chk
    results = _results(
        acct("https://weibo.com/u/123"), acct("https://weibo.com/u/5", sponsor="别的局")
    )
    alone = run_media_list_check(chk, results)
    assert [[f.outcome for f in per] for per in alone] == [[Outcome.NOT_APPLICABLE]] * 2
    s = site(page(qr=["https://weibo.com/u/999"]))
    found = chk.fn(results, [s])
    assert list(found) == [0] and [p.outcome for p in found[0]] == [Outcome.REVIEW]


def _run_folder(tmp: Path, qr: list[str], spec: dict[str, str]) -> Path:
    site_dir = tmp / "001-www.example.gov.cn"
    site_dir.mkdir(parents=True)
    (site_dir / "site.json").write_text(json.dumps(spec, ensure_ascii=False), "utf-8")
    (site_dir / "p00.artifacts.json").write_text(json.dumps(page(qr=qr)), "utf-8")
    return tmp


def test_a_run_folder_with_both_halves_puts_the_findings_in_annex_4(tmp_path: Path) -> None:
    from datetime import date

    from auditor.media.run import write_media_json

    spec = {"url": "https://www.example.gov.cn/", "name": "示例市人民政府门户网站", "sponsor": UNIT}
    run = _run_folder(tmp_path, ["https://weibo.com/u/999", "https://space.bilibili.com/7"], spec)
    assert [s.sponsor for s in sites_shown(run)] == [UNIT]
    results = _results(acct("https://weibo.com/u/123"))
    unlisted = judge_sites(results, run)
    assert unlisted == []
    site_match = [f for f in results[0].findings if f.check == "media-site-match"]
    assert [f.outcome for f in site_match] == [Outcome.REVIEW, Outcome.REVIEW]
    assert {f.evidence for f in site_match} == {"001-www.example.gov.cn/p00.png"}
    write_media_json(results, run / "media.json", date(2026, 11, 27), [], unlisted)
    loaded = load_accounts(run)
    assert loaded is not None
    (row,) = loaded[1]
    assert row.outstanding and row.verdict != "不合格"  # listed in 附件4; no veto on its own
    assert "https://weibo.com/u/999" in row.description()
    assert "https://space.bilibili.com/7" in row.description()


def test_a_unit_with_no_listed_account_is_kept_in_media_json(tmp_path: Path) -> None:
    spec = {
        "url": "https://www.example.gov.cn/",
        "name": "示例县人民政府门户网站",
        "sponsor": "示例县人民政府",
    }
    run = _run_folder(tmp_path, ["https://weibo.com/u/999"], spec)
    results = _results(acct("https://weibo.com/u/123"))
    unlisted = judge_sites(results, run)
    assert [u["shown_url"] for u in unlisted] == ["https://weibo.com/u/999"]
    assert [f.outcome for f in results[0].findings] == [Outcome.PASS]
