"""政务新媒体 without a browser: the accounts list, page states, 微博 dates and the checks."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from test_registry import PRIVATE_CITATION, cites_national_rule

from auditor.checks import (
    MEDIA_CHECKS,
    MEDIA_LIST_CHECKS,
    MEDIA_SITE_CHECKS,
    run_media_check,
    run_media_list_check,
)
from auditor.checks.media import media_relevance
from auditor.media.accounts import Account, AccountsFileError, read_accounts
from auditor.media.adapters import weibo_date
from auditor.media.profile import Post, Profile, State, detect_state, platform_of
from auditor.model import Outcome, Role

AS_OF = date(2026, 11, 27)
HEADER = "地区,账号名称,平台,主办单位,账号地址,备注\n"
ROOT = Path(__file__).resolve().parents[1]


# -- the accounts list -------------------------------------------------------------------------


def test_accounts_csv_keeps_extra_columns_and_names_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "新媒体清单.csv"
    path.write_text(
        HEADER
        + "阿坝州,阿坝州编译局,微博,阿坝州编译局,https://weibo.com/u/1002,抽查\n"
        + "阿坝州,无地址,微博,某局,,\n"
        + "阿坝州,坏地址,微博,某局,ftp://weibo.com/u/1,\n"
        + "阿坝州,重复,微博,某局,https://weibo.com/u/1002,\n",
        encoding="utf-8",
    )
    listed = read_accounts(path)
    assert [a.name for a in listed.accounts] == ["阿坝州编译局"]
    account = listed.accounts[0]
    assert (account.platform, account.sponsor, account.region, account.row) == (
        "微博",
        "阿坝州编译局",
        "阿坝州",
        2,
    )
    assert account.extra == {"备注": "抽查"}
    assert [re.search(r"第(\d+)行", e).group(1) for e in listed.errors] == ["3", "4", "5"]


def test_accounts_csv_in_gbk_and_xlsx(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((HEADER + "成都,成都发布,微博,成都市政府,weibo.com/u/1,\n").encode("gbk"))
    assert read_accounts(gbk).accounts[0].url == "http://weibo.com/u/1"

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["账号名称", "平台", "主办单位", "地区", "账号地址"])
    sheet.append(["成都发布", "微博", "成都市政府", "成都", "https://weibo.com/u/1"])
    book.save(tmp_path / "list.xlsx")
    assert read_accounts(tmp_path / "list.xlsx").accounts[0].name == "成都发布"


def test_accounts_file_without_address_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("账号名称,平台\n成都发布,微博\n", encoding="utf-8")
    with pytest.raises(AccountsFileError, match="账号地址"):
        read_accounts(path)
    with pytest.raises(AccountsFileError, match="不存在"):
        read_accounts(tmp_path / "missing.csv")


# -- platform, page state, dates ---------------------------------------------------------------


def test_platform_by_host_then_by_the_lists_column() -> None:
    assert platform_of("https://m.weibo.cn/u/1") == "weibo"
    assert platform_of("https://weibo.com:8080/u/1") == "weibo"
    assert platform_of("https://www.example.cn/news/", "新浪微博") == "weibo"
    assert platform_of("https://www.example.cn/news/", "网页") == "generic"


@pytest.mark.parametrize(
    ("text", "url", "selectors", "state"),
    [
        ("成都发布 最新微博 评论", "https://weibo.com/u/1", [], State.OK),
        ("抱歉，该账号已注销 登录", "https://weibo.com/u/1", [], State.GONE),
        ("登录后查看更多内容", "https://weibo.com/u/1", [], State.LOGIN),
        ("", "https://passport.weibo.com/visitor", [], State.LOGIN),
        ("请完成安全验证 拖动滑块", "https://www.example.cn/", [], State.CAPTCHA),
        ("", "https://www.example.cn/", ["iframe[src*='captcha']"], State.CAPTCHA),
    ],
)
def test_page_state_from_words_selectors_and_address(text, url, selectors, state) -> None:
    assert detect_state(text, url, selectors)[0] is state


@pytest.mark.parametrize(
    ("raw", "when"),
    [
        ("Sat May 16 09:00:00 +0800 2015", date(2015, 5, 16)),
        ("2013-03-03 20:58", date(2013, 3, 3)),
        ("11-20", date(2026, 11, 20)),
        ("12-30", date(2025, 12, 30)),  # a month-day after the audit date is last year's
        ("刚刚", AS_OF),
        ("3小时前", AS_OF),
        ("昨天 12:00", date(2026, 11, 26)),
        ("不是日期", None),
    ],
)
def test_weibo_created_at_forms(raw: str, when: date | None) -> None:
    assert weibo_date(raw, AS_OF) == when


# -- the checks --------------------------------------------------------------------------------

ACCOUNT = Account(
    url="https://weibo.com/u/1", name="成都发布", platform="微博", sponsor="成都市人民政府"
)


def profile(state: State = State.OK, *dates: date, **facts: object) -> Profile:
    """An account page as read; by default named, verified and interactive like 成都发布."""
    given: dict[str, object] = {
        "name": "成都发布",
        "verified": True,
        "subject": "成都市人民政府新闻办公室",
        "interaction": ["评论"],
        **facts,
    }
    return Profile(
        url=ACCOUNT.url,
        platform="weibo",
        state=state,
        posts=[Post(d, f"第{n}条") for n, d in enumerate(dates)],
        **given,  # type: ignore[arg-type]
    )


RECENT = date(2026, 11, 20)


# Each case declares its findings (check → outcome); every other check must pass or not apply.
CASES = {
    "active": (profile(State.OK, date(2026, 11, 20), date(2026, 1, 1)), {}),
    "future-date-only": (
        profile(State.OK, date(2027, 1, 1)),
        {"media-update": Outcome.FAIL, "media-zombie": Outcome.FAIL},
    ),
    "stale": (profile(State.OK, date(2026, 10, 1)), {"media-update": Outcome.FAIL}),
    "dormant": (
        profile(State.OK, date(2015, 5, 16)),
        {"media-update": Outcome.FAIL, "media-zombie": Outcome.FAIL},
    ),
    "no-posts": (profile(), {"media-update": Outcome.FAIL, "media-zombie": Outcome.FAIL}),
    "gone": (profile(State.GONE), {"media-reachable": Outcome.FAIL}),
    "login": (
        profile(State.LOGIN),
        {
            "media-reachable": Outcome.REVIEW,
            "media-update": Outcome.REVIEW,
            "media-zombie": Outcome.REVIEW,
            "media-interaction": Outcome.REVIEW,
            "media-naming": Outcome.REVIEW,
            "media-relevance": Outcome.REVIEW,
        },
    ),
    "captcha": (
        profile(State.CAPTCHA),
        {
            "media-reachable": Outcome.REVIEW,
            "media-update": Outcome.REVIEW,
            "media-zombie": Outcome.REVIEW,
            "media-interaction": Outcome.REVIEW,
            "media-naming": Outcome.REVIEW,
            "media-relevance": Outcome.REVIEW,
        },
    ),
    "failed": (
        profile(State.FAILED),
        {
            "media-reachable": Outcome.ERROR,
            "media-update": Outcome.ERROR,
            "media-zombie": Outcome.ERROR,
            "media-interaction": Outcome.ERROR,
            "media-naming": Outcome.ERROR,
            "media-relevance": Outcome.ERROR,
        },
    ),
    "no-interaction": (
        profile(State.OK, RECENT, interaction=[]),
        {"media-interaction": Outcome.FAIL},
    ),
    "unverified": (
        profile(State.OK, RECENT, verified=False, subject=""),
        {"media-naming": Outcome.REVIEW},
    ),
    "verification-unknown": (profile(State.OK, RECENT, verified=None, subject=""), {}),
    "unrelated-name": (
        profile(State.OK, RECENT, name="美食天天见"),
        {"media-naming": Outcome.FAIL},
    ),
    "subject-without-unit": (
        profile(State.OK, RECENT, subject="某某文化传媒有限公司"),
        {"media-naming": Outcome.FAIL},
    ),
    "app-ok": (
        profile(app=True, downloads={"https://x.cn/a.apk": "ok"}, version_date=RECENT),
        {},
    ),
    "app-no-link": (profile(app=True, version_date=RECENT), {"media-app-download": Outcome.FAIL}),
    "app-link-broken": (
        profile(app=True, downloads={"https://x.cn/a.apk": "HTTP 404"}),
        {"media-app-download": Outcome.FAIL},
    ),
    "app-old-version": (
        profile(app=True, downloads={"https://x.cn/a.apk": "ok"}, version_date=date(2015, 5, 16)),
        {"media-app-download": Outcome.REVIEW},
    ),
    "app-no-version-date": (
        profile(app=True, downloads={"https://apps.apple.com/cn/app/id1": "ok"}),
        {"media-app-download": Outcome.REVIEW},
    ),
    "subject-abbreviated": (
        profile(State.OK, RECENT, subject="成都市政府新闻办"),
        {"media-naming": Outcome.REVIEW},
    ),
}


def problems_of(p: Profile) -> dict[str, Outcome]:
    found = [f for c in MEDIA_CHECKS for f in run_media_check(c, p, ACCOUNT, AS_OF)]
    quiet = (Outcome.PASS, Outcome.NOT_APPLICABLE)
    return {f.check: f.outcome for f in found if f.outcome not in quiet}


@pytest.mark.parametrize("case", CASES)
def test_checks_give_exactly_the_declared_findings(case: str) -> None:
    p, expected = CASES[case]
    assert problems_of(p) == expected


def test_boundary_is_fourteen_days_and_messages_name_the_date() -> None:
    assert problems_of(profile(State.OK, date(2026, 11, 13))) == {}
    found = run_media_check(MEDIA_CHECKS[1], profile(State.OK, date(2026, 11, 12)), ACCOUNT, AS_OF)
    assert [f.outcome for f in found] == [Outcome.FAIL]
    assert "2026年11月12日" in found[0].message and found[0].data["age_days"] == 15
    dormant = run_media_check(MEDIA_CHECKS[2], profile(State.OK, date(2015, 5, 16)), ACCOUNT, AS_OF)
    assert "2015年5月16日" in dormant[0].message and "僵尸" in dormant[0].message


@pytest.mark.parametrize(
    "chk", [*MEDIA_CHECKS, *MEDIA_LIST_CHECKS, *MEDIA_SITE_CHECKS], ids=lambda c: c.id
)
def test_media_checks_state_their_facts(chk) -> None:
    assert re.match(r"^media(-[a-z]+)+$", chk.id)
    assert chk.name.strip() and not chk.name.isascii()
    assert cites_national_rule(chk.rule), chk.rule
    assert not PRIVATE_CITATION.search(chk.scoring.basis)
    assert chk.fn.__doc__ and chk.title != chk.id
    if chk.role is Role.VETO:
        assert chk.indicator.startswith("单项否决/"), chk.indicator
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `{chk.id}` (account) |" in readme and f"| {chk.role.value} |" in readme


def test_a_list_that_cannot_be_used_exits_2(tmp_path: Path) -> None:
    from auditor.cli import main

    path = tmp_path / "a.csv"
    path.write_text("账号名称,平台\n成都发布,微博\n", encoding="utf-8")
    assert main(["media", "--accounts", str(path), "--out", str(tmp_path / "out")]) == 2


def test_weibo_mobile_timeline_cards_and_user_info_are_read() -> None:
    """m.weibo.cn's getIndex answers: ``userInfo``, then ``cards`` holding ``mblog`` s."""
    from auditor.media.adapters import WeiboAdapter

    info = {
        "ok": 1,
        "data": {
            "userInfo": {
                "id": 7,
                "screen_name": "阿坝州编译局",
                "verified": True,
                "verified_reason": "阿坝州编译局官方微博",
                "followers_count": 3500,
            }
        },
    }
    mblog = {
        "created_at": "Sat May 16 09:00:00 +0800 2015",
        "bid": "Cq1",
        "text": "<a href='/n/x'>@某人</a> 召开<b>编译</b>工作会议",
        "user": {"id": 7, "screen_name": "阿坝州编译局"},
        "retweeted_status": {"created_at": "05-01", "bid": "Rt1", "text": "转发原文"},
    }
    timeline = {"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": mblog}] * 2}}
    p = Profile(url="https://m.weibo.cn/u/7", platform="weibo")
    WeiboAdapter().fill(p, [timeline, info], AS_OF)
    assert (p.name, p.subject, p.verified, p.followers) == (
        "阿坝州编译局",
        "阿坝州编译局官方微博",
        True,
        3500,
    )
    # The same card twice counts once; the retweeted original is not the account's post.
    assert [(x.when, x.text) for x in p.posts] == [(date(2015, 5, 16), "@某人 召开编译工作会议")]
    assert p.posts[0].url == "https://weibo.com/7/Cq1"


# -- naming rule and one account per unit per platform -----------------------------------------


@pytest.mark.parametrize(
    ("name", "unit", "expected"),
    [
        ("阿坝州编译局", "阿坝州编译局", "function"),
        ("成都发布", "成都市人民政府", "function"),  # a government relates through its place
        ("武侯发布", "四川省成都市武侯区人民政府", "function"),
        ("成都公安", "成都市公安局", "function"),
        ("成都市场监管", "成都市市场监督管理局", "function"),
        ("平安成都", "成都市公安局", "unsure"),  # the place only
        ("城管在线", "城市管理局", "unsure"),  # 城市 is not a place; 城 alone is an abbreviation
        ("美食天天见", "阿坝州编译局", "none"),
        ("美食天天见", "成都市人民政府", "none"),
        ("成都管理服务", "成都市城市管理局", "unsure"),  # 管理 is generic: the place only
    ],
)
def test_name_relates_to_the_unit_by_its_core_words(name: str, unit: str, expected: str) -> None:
    from auditor.media.naming import relation

    assert relation(name, unit).value == expected


def _result(n: int, sponsor: str, url: str, platform: str = "微博", state: State = State.OK):
    from auditor.media.run import AccountResult

    account = Account(url=url, name=f"账号{n}", platform=platform, sponsor=sponsor, row=n + 1)
    return AccountResult(account, Profile(url=url, platform="weibo", state=state), [])


def test_one_unit_two_accounts_on_one_platform_fail_both_and_nothing_else() -> None:
    results = [
        _result(1, "阿坝州编译局", "https://weibo.com/u/1"),
        _result(2, "阿坝州 编译局", "https://m.weibo.cn/u/2"),  # same unit, same platform
        _result(3, "阿坝州编译局", "https://www.abzbyj.gov.cn/news/", "网页"),  # not a platform
        _result(4, "成都市人民政府", "https://weibo.com/u/4"),  # another unit
        _result(5, "成都市人民政府", "https://weibo.com/u/5", state=State.GONE),  # closed
        _result(6, "", "https://weibo.com/u/6"),  # no unit written
        _result(7, "", "https://weibo.com/u/7"),
    ]
    found = run_media_list_check(MEDIA_LIST_CHECKS[0], results)
    outcomes = [[f.outcome for f in per] for per in found]
    assert outcomes == [[Outcome.FAIL]] * 2 + [[Outcome.PASS]] * 5
    assert "在微博开设了2个账号（账号1、账号2）" in found[0][0].message
    assert found[1][0].data["rows"] == [2, 3]


def test_a_list_check_that_crashes_is_an_error_for_every_account() -> None:
    from dataclasses import replace

    from auditor.checks.base import MediaListCheck

    def broken(results: list[object]) -> dict[int, list[object]]:
        """崩溃"""
        raise RuntimeError("boom")

    chk: MediaListCheck = replace(MEDIA_LIST_CHECKS[0], fn=broken)
    found = run_media_list_check(chk, [_result(1, "某局", "https://weibo.com/u/1")])
    assert [[f.outcome for f in per] for per in found] == [[Outcome.ERROR]]


# -- 微信公众号 article pages --------------------------------------------------------------------

ARTICLE = """<html><head><meta property="og:title" content="OG标题"></head><body><script>
var msg_title = '阿坝州召开藏汉双语\\x26amp;编译工作会议'.html(false);
var ct = "1431738000";
var publish_time = "2015-05-16" || "";
var biz = "" || "MzTESTBIZ==";
var nickname = htmlDecode("阿坝州编译局");
</script></body></html>"""


def test_article_script_variables_are_read() -> None:
    from auditor.media.article import script_var, stated_date

    assert script_var(ARTICLE, "nickname") == "阿坝州编译局"
    assert script_var(ARTICLE, "biz") == "MzTESTBIZ=="  # the first non-empty of `"" || "…"`
    assert script_var(ARTICLE, "msg_title") == "阿坝州召开藏汉双语&编译工作会议"
    assert script_var("var ct = 1431738000;", "ct") == "1431738000"
    assert script_var(ARTICLE, "missing") == ""
    # Unix seconds in Beijing time: 2015-05-16 09:00 +08:00 is 01:00 UTC.
    assert stated_date("1431738000", AS_OF) == date(2015, 5, 16)
    assert stated_date("1431738000000", AS_OF) == date(2015, 5, 16)
    assert stated_date("2015-05-16", AS_OF) == date(2015, 5, 16)


def test_weixin_article_gives_the_account_name_and_one_dated_post() -> None:
    from auditor.media.article import ArticleAdapter

    p = Profile(url="https://mp.weixin.qq.com/s/abc", platform="weixin")
    ArticleAdapter("weixin").fill(p, ARTICLE, AS_OF)
    assert p.name == "阿坝州编译局"
    assert p.posts == [Post(date(2015, 5, 16), "阿坝州召开藏汉双语&编译工作会议", p.url)]
    assert platform_of("https://mp.weixin.qq.com/s/abc") == "weixin"
    assert platform_of("https://example.cn/a", "微信公众号") == "weixin"


def test_a_platform_that_hides_interaction_from_visitors_is_review_not_fail() -> None:
    hidden = profile(State.OK, RECENT, interaction=[], interaction_visible=False)
    assert problems_of(hidden) == {"media-interaction": Outcome.REVIEW}


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("此帐号已自主注销，内容无法查看", State.GONE),
        ("环境异常 完成验证后即可继续访问", State.CAPTCHA),
    ],
)
def test_weixin_page_states_come_from_its_own_words(text: str, state: State) -> None:
    assert detect_state(text, "https://mp.weixin.qq.com/s/x", platform="weixin")[0] is state


# -- 今日头条 and 哔哩哔哩: the JSON their pages load --------------------------------------------

TOUTIAO_FEED = {
    "message": "success",
    "data": [
        {
            "title": "我县召开森林防火工作会议",
            "publish_time": 1795572000,  # 2026-11-25 10:00 Beijing time
            "behot_time": 1795572000,
            "item_id": "7310000000000000001",
            "comment_count": 3,
            "filter_words": [{"id": "8:0", "name": "看过了"}],
            "user_info": {
                "name": "某县发布",
                "user_id": "123",
                "user_verified": True,
                "verified_content": "某县人民政府新闻办公室",
            },
        }
    ],
}
BILIBILI_INFO = {
    "code": 0,
    "data": {
        "mid": 42,
        "name": "某市公安",
        "official": {"role": 3, "title": "某市公安局官方账号", "desc": "", "type": 1},
        "nameplate": {"nid": 1, "name": "见习偶像"},
    },
}
BILIBILI_VIDEOS = {
    "code": 0,
    "data": {
        "list": {
            "tlist": {"36": {"tid": 36, "count": 2, "name": "知识"}},
            "vlist": [
                {
                    "title": "反诈宣传｜警惕刷单陷阱",
                    "created": 1431738000,
                    "bvid": "BV1xx411c7mD",
                    "comment": 5,
                    "author": "某市公安",
                    "mid": 42,
                }
            ],
        }
    },
}


def test_toutiao_feed_gives_posts_and_the_author_not_the_filter_words() -> None:
    from auditor.media.adapters import JsonAdapter, _json_features

    p = Profile(url="https://www.toutiao.com/c/user/token/abc/", platform="toutiao")
    JsonAdapter("toutiao").fill(p, [TOUTIAO_FEED], AS_OF)
    assert (p.name, p.verified, p.subject) == ("某县发布", True, "某县人民政府新闻办公室")
    assert [(x.when, x.text, x.url) for x in p.posts] == [
        (
            date(2026, 11, 25),
            "我县召开森林防火工作会议",
            "https://www.toutiao.com/article/7310000000000000001/",
        )
    ]
    assert _json_features([TOUTIAO_FEED]) == ["评论"]
    assert platform_of("https://www.toutiao.com/c/user/token/abc/") == "toutiao"


def test_bilibili_space_gives_official_verification_and_videos() -> None:
    from auditor.media.adapters import JsonAdapter

    p = Profile(url="https://space.bilibili.com/42", platform="bilibili")
    JsonAdapter("bilibili").fill(p, [BILIBILI_VIDEOS, BILIBILI_INFO], AS_OF)
    # the category list's "知识" and the nameplate's "见习偶像" are not the account's name
    assert (p.name, p.verified, p.subject) == ("某市公安", True, "某市公安局官方账号")
    assert [(x.when, x.url) for x in p.posts] == [
        (date(2015, 5, 16), "https://www.bilibili.com/video/BV1xx411c7mD")
    ]
    unverified = {"code": 0, "data": {"mid": 7, "name": "某号", "official": {"type": -1}}}
    q = Profile(url="https://space.bilibili.com/7", platform="bilibili")
    JsonAdapter("bilibili").fill(q, [unverified], AS_OF)
    assert q.verified is False
    assert platform_of("https://space.bilibili.com/42") == "bilibili"


def test_app_version_date_is_the_newest_labelled_one() -> None:
    from auditor.media.app import version_date

    text = "某市政务APP\n版本：3.2.1\n更新时间：2026-11-01\n发布日期: 2025年3月5日\n咨询电话 12345"
    assert version_date(text, ["更新时间", "发布日期"], AS_OF) == date(2026, 11, 1)
    assert version_date("没有日期", ["更新时间"], AS_OF) is None
    assert platform_of("https://www.x.gov.cn/app/", "政务APP") == "app"


def _posting(*texts: str) -> Profile:
    """An active, interactive account whose recent posts say ``texts`` (one a day)."""
    p = profile(State.OK)
    p.posts = [
        Post(date(2026, 11, 20 - n), t, f"https://weibo.com/1/{n}") for n, t in enumerate(texts)
    ]
    return p


def test_an_account_posting_mostly_other_things_is_left_for_review() -> None:
    """通报用语“政务属性定位不准，发布内容与政府工作无关”: 4 of 6 recent posts say nothing of government."""
    p = _posting(
        "今日明星八卦合集", "周末去哪儿吃火锅", "这款口红太好看了", "抽奖送手机！转发有礼",
        "市政府召开常务会议部署冬季供暖工作", "关于调整公交线路的通知",
    )  # fmt: skip
    assert problems_of(p) == {"media-relevance": Outcome.REVIEW}
    [f] = [x for x in run_media_check(media_relevance, p, ACCOUNT, AS_OF)]
    assert "6条信息中有4条未见政务相关内容" in f.message and "今日明星八卦合集" in f.message


def test_an_account_about_government_work_and_one_with_few_posts_raise_nothing() -> None:
    p = _posting(
        "市政府召开常务会议", "关于调整公交线路的通知", "冬季用电安全提醒", "社保卡办理指南",
        "周末去哪儿吃火锅", "防汛应急预案发布",
    )  # fmt: skip
    assert problems_of(p) == {}
    few = _posting("今日明星八卦合集", "周末去哪儿吃火锅")  # under 5 recent posts: not judged
    [f] = run_media_check(media_relevance, few, ACCOUNT, AS_OF)
    assert f.outcome is Outcome.NOT_APPLICABLE
