"""复核 and diff for 政务新媒体 accounts, over fixture media.json files (no browser)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from auditor.cli import main
from auditor.media.accounts import Account
from auditor.media.followup import compare_accounts, diff_accounts, failing_accounts, match_key
from auditor.media.profile import Post, Profile, State
from auditor.media.run import AccountResult, judge, write_media_json
from auditor.notice.media_rows import load_accounts
from auditor.run.diff import BETTER, NEW, REMOVED, SAME, WORSE
from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN

AS_OF = date(2026, 11, 27)
FRESH, STALE, DORMANT = date(2026, 11, 25), date(2026, 10, 1), date(2015, 5, 3)


def result(url: str, name: str, state: State = State.OK, *posts: date) -> AccountResult:
    account = Account(url=url, name=name, platform="微博", sponsor=f"{name}单位", region="成都市")
    profile = Profile(
        url=url,
        platform="weibo",
        state=state,
        name=name,
        posts=[Post(when=d, text="政务信息") for d in posts],
        interaction=["评论"],
    )
    return AccountResult(account, profile, judge(profile, account, AS_OF))


def folder(tmp: Path, name: str, *results: AccountResult) -> Path:
    run = tmp / name
    run.mkdir()
    write_media_json(list(results), run / "media.json", AS_OF, [])
    return run


def test_accounts_match_by_normalised_address_then_platform_and_name() -> None:
    assert match_key("https://weibo.com/u/7/") == match_key("http://m.weibo.cn/u/7") == "weibo:7"
    assert match_key("", "微博", "成都 发布") == "微博|成都发布"


def test_diff_says_better_worse_same_new_and_removed_per_account(tmp_path: Path) -> None:
    old = folder(
        tmp_path,
        "old",
        result("https://weibo.com/u/1", "变好的", State.OK, STALE),  # 不合格 → 合格
        result("https://weibo.com/u/2", "变差的", State.OK, FRESH),  # 合格 → 不合格
        result("https://weibo.com/u/3", "不变的", State.OK, FRESH),
        result("https://weibo.com/u/4", "少了一项", State.OK, DORMANT),  # 僵尸 → only 2周
        result("https://weibo.com/u/5", "不再检查的", State.OK, FRESH),
    )
    new = folder(
        tmp_path,
        "new",
        result("http://m.weibo.cn/u/1", "变好的", State.OK, FRESH),
        result("https://weibo.com/2/", "变差的", State.GONE),
        result("https://weibo.com/u/3", "不变的", State.OK, FRESH),
        result("https://weibo.com/u/4", "少了一项", State.OK, STALE),
        result("https://weibo.com/u/6", "新增的", State.OK, FRESH),
    )
    a, b = load_accounts(old), load_accounts(new)
    assert a and b
    diffs = diff_accounts(a[1], b[1])
    assert [(d.row.name, d.trend, d.before, d.after) for d in diffs] == [
        ("变好的", BETTER, "不合格", "合格"),
        ("变差的", WORSE, "合格", "不合格"),
        ("不变的", SAME, "合格", "合格"),
        ("少了一项", BETTER, "不合格", "不合格"),
        ("新增的", NEW, "", "合格"),
        ("不再检查的", REMOVED, "合格", ""),
    ]
    assert diffs[0].checks == {"media-update": (1, 0)}
    assert diffs[3].checks == {"media-zombie": (1, 0)}
    out = tmp_path / "diff.json"
    assert main(["diff", str(old), str(new), "--out", str(out)]) == 0
    body = json.loads(out.read_text("utf-8"))
    assert body["sites"] == []
    assert [x["trend"] for x in body["accounts"]] == [BETTER, WORSE, SAME, BETTER, NEW, REMOVED]


def test_recheck_items_are_fixed_not_fixed_or_unknown_and_new_problems_apart(
    tmp_path: Path,
) -> None:
    old = folder(
        tmp_path,
        "old",
        result("https://weibo.com/u/1", "已更新", State.OK, STALE),
        result("https://weibo.com/u/2", "仍未更新", State.OK, DORMANT),
        result("https://weibo.com/u/3", "需登录了", State.OK, STALE),
        result("https://weibo.com/u/4", "合格的", State.OK, FRESH),
    )
    before = failing_accounts(old / "media.json")
    assert [a.name for a, _f in before] == ["已更新", "仍未更新", "需登录了"]  # only the failing
    again = [
        result("https://weibo.com/u/1", "已更新", State.OK, FRESH),
        result("https://weibo.com/u/2", "仍未更新", State.OK, DORMANT),
        result("https://weibo.com/u/3", "需登录了", State.LOGIN),
    ]
    items, new = compare_accounts(before, [(r.account, r.findings) for r in again])
    assert [(i.account.name, i.check, i.status) for i in items] == [
        ("已更新", "media-update", FIXED),
        ("仍未更新", "media-update", NOT_FIXED),
        ("仍未更新", "media-zombie", NOT_FIXED),
        ("需登录了", "media-update", UNKNOWN),
    ]
    assert new == []
    # An account that went 已注销 after its 2周 failure: media-update no longer applies (fixed
    # as a check), and the closed account is a new problem of the re-check.
    gone = [(before[0][0], result("https://weibo.com/u/1", "已更新", State.GONE).findings)]
    items, new = compare_accounts(before[:1], gone)
    assert [i.status for i in items] == [FIXED]
    assert [f.check for _a, f in new] == ["media-reachable"]


def test_an_account_not_reopened_is_unknown() -> None:
    r = result("https://weibo.com/u/1", "某账号", State.OK, STALE)
    fails = [f for f in r.findings if f.outcome.value == "fail"]
    items, new = compare_accounts([(r.account, fails)], [])
    assert [i.status for i in items] == [UNKNOWN] and new == []
