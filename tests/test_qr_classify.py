"""QR candidates and payload verdicts (check qr-image), on plain values: no pixels, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.artifacts import Artifacts, Image, Region, TextBlock
from auditor.checks.qr_rules import (
    garbled_reason,
    judge_image_status,
    judge_payload,
    judge_target_status,
)
from auditor.extract.platforms import hints_of, load_platforms, src_suggests_qr, target_of
from auditor.extract.qr_candidates import candidates, nearby_text
from auditor.model import Rect

P = load_platforms()
SITE = "www.example.gov.cn"
CASINO = "https://www.example-casino.com/r/8848"

# -- platform data ---------------------------------------------------------------------------


def test_packaged_lists_cover_the_issue_platforms_and_app_stores() -> None:
    for pid in ("wechat", "weibo", "douyin", "toutiao", "kuaishou", "channels", "app"):
        platform = P.get(pid)
        assert platform is not None and platform.hosts, pid
    app = P.get("app")
    assert app is not None and "apps.apple.com" in app.hosts
    assert "gov.cn" in P.government


def test_user_file_extends_the_lists(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[platforms.wechat]\nhosts = ["wx.proxy.example.cn"]\n\n'
        '[platforms.aishandong]\nname = "爱山东"\nkeywords = ["爱山东"]\n'
        'hosts = ["isdapp.shandong.gov.cn"]\n\n'
        '[hosts]\ntrusted = ["partner.example.org"]\n',
        encoding="utf-8",
    )
    mine = load_platforms(extra)
    wechat = mine.get("wechat")
    assert wechat is not None
    assert "wx.proxy.example.cn" in wechat.hosts
    assert "weixin.qq.com" in wechat.hosts  # appended, not replaced
    assert hints_of("爱山东", mine) == ("aishandong",)
    assert target_of("https://partner.example.org/x", mine).kind == "trusted"
    assert target_of("https://partner.example.org/x", P).kind == "other"


# -- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("微信公众号", ("wechat",)),
        ("政务微博", ("weibo",)),
        ("抖音号", ("douyin",)),
        ("今日头条", ("toutiao",)),
        ("快手", ("kuaishou",)),
        ("视频号", ("channels",)),
        ("北京丰台APP", ("app",)),
        ("赣政通 Android", ("app",)),
        ("手机版", ("mobile",)),
        ("微信扫码关注", ("wechat",)),  # the catch-all 扫码 yields to the named platform
        ("扫码访问", ("generic",)),
        ("官微", ("wechat", "weibo")),
        ("happy new year", ()),
        ("营商环境", ()),
        ("", ()),
    ],
)
def test_label_names_its_platforms(label: str, expected: tuple[str, ...]) -> None:
    assert hints_of(label, P) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("https://www.example.gov.cn/images/ewm_zwwx.png", True),
        ("/static/picture/weixin_code.png", False),
        ("https://x.gov.cn/xhtml/images/Android_qrcode.png", True),
        ("/cn/static/QR1.png", True),
        ("https://x.gov.cn/images/logo.png", False),
        ("https://x.gov.cn/images/qrbanner_bg.jpg", False),
        ("data:image/png;base64,iVBORw0KGgo=", False),
    ],
)
def test_file_names_that_suggest_a_qr_code(src: str, expected: bool) -> None:
    assert src_suggests_qr(src) is expected


# -- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "kind", "platform"),
    [
        ("https://mp.weixin.qq.com/s/abc", "platform", "wechat"),
        ("http://weixin.qq.com/r/Xk8qKGvEWx5YrS0a9xk", "platform", "wechat"),
        ("weixin://dl/officialaccounts", "platform", "wechat"),
        ("https://weibo.com/u/2605594314", "platform", "weibo"),
        ("http://t.cn/A6abcdEF", "platform", "weibo"),
        ("https://v.douyin.com/iRNBho6u/", "platform", "douyin"),
        ("https://apps.apple.com/cn/app/id1234567890", "platform", "app"),
        ("https://www.example.gov.cn/app/download.html", "site", ""),
        ("https://www.beijing.gov.cn/", "gov", ""),
        ("www.beijing.gov.cn/zwgk/", "gov", ""),
        ("https://xn--fiqs8s.xn--zfr164b/", "gov", ""),
        ("http://www.people.com.cn/", "trusted", ""),
        ("https://url.cn/5abcdEF", "shortener", ""),
        ("https://bucket.oss-cn-hangzhou.aliyuncs.com/app.apk", "cloud", ""),
        (CASINO, "other", ""),
        ("https://weixin.qq.com.example-casino.com/", "other", ""),
        ("示例市人民政府", "text", ""),
        ("mailto:zfxx@example.gov.cn", "text", ""),
    ],
)
def test_payload_target_kinds(payload: str, kind: str, platform: str) -> None:
    target = target_of(payload, P, SITE)
    assert (target.kind, target.platform) == (kind, platform)


def test_web_targets_carry_the_url_to_fetch_and_others_none() -> None:
    assert target_of("www.beijing.gov.cn/zwgk/", P).url == "http://www.beijing.gov.cn/zwgk/"
    assert target_of("weixin://dl/officialaccounts", P).url == ""
    assert target_of("示例市人民政府", P).url == ""


# -- garbled ---------------------------------------------------------------------------------

GOOD_TEXTS = [
    "示例市人民政府",
    "政务服务",
    "欢迎关注示例市人民政府微信公众号",
    "https://www.example.gov.cn/搜索?q=政府信息公开",
    "关于印发示例市政府信息公开工作方案的通知",
    "鄂ICP备05003336号",
    "咨询电话：0791-12345678（工作日 9:00–17:00）",
    "温度 25°C，价格 ¥100",
    "喆堃",  # name characters outside GB2312
    "鲁",  # its GBK bytes C2 B3 are also valid UTF-8 ("³"): the GB2312 guard keeps it
    "楼",
    "https://mp.weixin.qq.com/s/Xy3_kQ9vT2aLm0-Abc",
]


@pytest.mark.parametrize("text", GOOD_TEXTS)
def test_genuine_text_is_not_garbled(text: str) -> None:
    assert garbled_reason(text) is None


@pytest.mark.parametrize(
    "mojibake",
    [
        "示例市人民政府".encode().decode("latin-1"),
        "示例市人民政府".encode().decode("cp1252", errors="replace").replace("\ufffd", "?"),
        "示例市人民政".encode().decode("gbk"),  # 绀轰緥甯備汉姘戞斂
        "欢迎关注".encode().decode("gbk"),
        "政务服务".encode().decode("shift_jis"),  # 謾ｿ蜉｡譛榊苅, libzbar's guess
        "示例市\ufffd\ufffd政府",
        "https://www.example.gov.cn/\x00\x07",
    ],
    ids=["latin-1", "cp1252", "gbk", "gbk-2", "shift-jis", "U+FFFD", "control"],
)
def test_mojibake_is_garbled(mojibake: str) -> None:
    assert garbled_reason(mojibake) is not None


def test_gbk_mojibake_with_its_odd_last_byte_dropped_is_garbled() -> None:
    raw = "示例市人民政府".encode()  # 21 bytes: GBK reads 10 pairs and one stray byte
    text = raw[:-1].decode("gbk", errors="ignore")
    assert garbled_reason(text) is not None


# -- verdicts --------------------------------------------------------------------------------


def test_wechat_label_with_wechat_url_is_fine() -> None:
    _, verdict = judge_payload("https://mp.weixin.qq.com/s/abc", ("wechat",), "微信公众号", P)
    assert verdict is None


def test_wechat_label_with_casino_url_is_a_hijacked_code() -> None:
    _, verdict = judge_payload(CASINO, ("wechat",), "微信公众号", P, SITE)
    assert verdict is not None
    assert (verdict.kind, verdict.review) == ("target-mismatch", False)
    assert verdict.reason.startswith(
        "二维码标注为“微信公众号”，扫码结果却指向 www.example-casino.com"
        "（非政府、非平台域名，疑似被劫持）"
    )
    assert CASINO in verdict.reason
    assert (verdict.expected, verdict.found) == ("微信", CASINO)


def test_wechat_label_with_weibo_url_names_both_platforms() -> None:
    _, verdict = judge_payload("https://weibo.com/u/1", ("wechat",), "微信", P)
    assert verdict is not None and verdict.kind == "target-mismatch" and not verdict.review
    assert "微博" in verdict.reason and "应为微信链接" in verdict.reason


def test_wechat_label_with_a_government_page_is_for_review() -> None:
    _, verdict = judge_payload("https://www.example.gov.cn/wx.html", ("wechat",), "微信", P)
    assert verdict is not None and verdict.kind == "target-mismatch" and verdict.review


def test_unlabelled_code_to_an_unknown_host_is_for_review_not_hijacked() -> None:
    _, verdict = judge_payload(CASINO, (), "", P, SITE)
    assert verdict is not None and verdict.kind == "target-mismatch" and verdict.review
    assert "疑似被劫持" not in verdict.reason


@pytest.mark.parametrize(
    "payload",
    [
        "https://apps.apple.com/cn/app/id1234567890",
        "https://appgallery.huawei.com/app/C100000000",
        "https://www.example.gov.cn/app/download.html",
        "https://www.jiangxi.gov.cn/app/gzt.apk",
    ],
)
def test_app_label_accepts_stores_and_government_downloads(payload: str) -> None:
    _, verdict = judge_payload(payload, ("app",), "APP下载", P, SITE)
    assert verdict is None


def test_text_payload_is_fine_unlabelled_but_not_where_a_link_is_promised() -> None:
    assert judge_payload("示例市人民政府", (), "", P)[1] is None
    _, verdict = judge_payload("示例市人民政府", ("wechat",), "微信公众号", P)
    assert verdict is not None and verdict.kind == "target-mismatch"
    assert "示例市人民政府" in verdict.reason


def test_garbled_payload_is_garbled_before_anything_else() -> None:
    mojibake = "https://www.example.gov.cn/" + "政务".encode().decode("latin-1")
    _, verdict = judge_payload(mojibake, ("wechat",), "微信", P)
    assert verdict is not None and verdict.kind == "garbled"
    assert mojibake[:40] in verdict.reason


def test_share_label_accepts_the_page_itself() -> None:
    hints = hints_of("分享到微信 — 用微信扫一扫", P)
    _, verdict = judge_payload(
        "https://www.example.gov.cn/art/1.html", hints, "分享到微信", P, SITE
    )
    assert verdict is None


@pytest.mark.parametrize(
    ("status", "payload", "kind", "review"),
    [
        (200, "https://www.example.gov.cn/", None, False),
        (302, "https://weibo.com/u/1", None, False),
        (404, "https://www.example.gov.cn/gone", "target-unreachable", False),
        (503, "https://www.example.gov.cn/", "target-unreachable", False),
        ("net::ERR_NAME_NOT_RESOLVED", "https://www.example.gov.cn/", "target-unreachable", False),
        (403, "https://weibo.com/u/1", "target-unreachable", True),  # bots turned away
        (404, "https://weibo.com/u/1", "target-unreachable", False),
        ("net::ERR_NAME_NOT_RESOLVED", "https://weibo.com/u/1", "target-unreachable", False),
        ("Timeout 15000ms exceeded", "https://weibo.com/u/1", "target-unreachable", True),
    ],
)
def test_target_status_verdicts(
    status: int | str, payload: str, kind: str | None, review: bool
) -> None:
    verdict = judge_target_status(status, target_of(payload, P, SITE), "微博", payload, P)
    assert (verdict.kind if verdict else None) == kind
    if verdict:
        assert verdict.review is review
        assert payload in verdict.reason


def test_unreachable_app_link_says_it_cannot_be_downloaded() -> None:
    payload = "https://www.example.gov.cn/app/download.html"
    verdict = judge_target_status(404, target_of(payload, P, SITE), "APP下载", payload, P)
    assert verdict is not None and "无法下载" in verdict.reason


@pytest.mark.parametrize(
    ("status", "src", "review"),
    [
        (404, "https://www.example.gov.cn/img/wx.png", False),
        ("net::ERR_CONNECTION_REFUSED", "https://www.example.gov.cn/img/wx.png", False),
        (200, "https://www.example.gov.cn/img/wx.png", True),  # not an image, or lazy
        (None, "", False),
        (None, "data:image/png;base64,AAAA", False),
    ],
)
def test_broken_image_verdicts(status: int | str | None, src: str, review: bool) -> None:
    verdict = judge_image_status(status, src, "微信公众号")
    assert verdict.kind == "image-broken"
    assert verdict.review is review


# -- candidates ------------------------------------------------------------------------------


def img(src: str, rect: Rect | None, **kw: object) -> Image:
    defaults: dict[str, object] = {"natural_width": 120, "natural_height": 120}
    return Image(src=src, rect=rect, selector=f'img[src="{src}"]', **{**defaults, **kw})  # type: ignore[arg-type]


def test_candidates_are_labelled_or_qr_named_or_seen_images_and_bare_regions() -> None:
    art = Artifacts(
        url="https://www.example.gov.cn/",
        images=[
            img("/wx.png", Rect(100, 2000, 120, 120), caption="微信公众号"),
            img("/ewm_app.jpg", Rect(300, 2000, 120, 120)),
            img("/photo.jpg", Rect(100, 500, 400, 300), alt="领导调研"),
            img("/share-wx.png", Rect(600, 300, 16, 16), alt="微信"),  # share button
            img("/dy.png", Rect(500, 2000, 120, 120), caption="抖音", natural_width=0),
            img("/plain.png", Rect(700, 2000, 120, 120)),
        ],
        footer=Region(
            found=True,
            blocks=[TextBlock(text="政务微博", rect=Rect(905, 2125, 64, 20))],
        ),
    )
    seen = [Rect(712, 2012, 96, 96), Rect(900, 2000, 110, 110)]
    got = {c.src or "region": c for c in candidates(art, P, seen)}
    assert set(got) == {"/wx.png", "/ewm_app.jpg", "/dy.png", "/plain.png", "region"}
    assert (got["/wx.png"].why, got["/wx.png"].hints) == ("label", ("wechat",))
    assert got["/ewm_app.jpg"].why == "src"
    assert got["/plain.png"].why == "scan"
    assert got["/dy.png"].natural_width == 0
    region = got["region"]
    assert (region.rect, region.caption, region.hints) == (seen[1], "政务微博", ("weibo",))
    assert region.natural_width == -1


def test_alt_names_the_platform_before_the_surrounding_text() -> None:
    art = Artifacts(
        url="https://www.example.gov.cn/",
        images=[img("/a.png", Rect(0, 0, 100, 100), alt="政务微博", caption="政务微博 微信 抖音")],
    )
    (cand,) = candidates(art, P)
    assert cand.hints == ("weibo",)


def test_nearby_text_prefers_the_closest_block_and_ignores_far_ones() -> None:
    art = Artifacts(
        url="https://www.example.gov.cn/",
        footer=Region(
            found=True,
            blocks=[
                TextBlock(text="扫码关注微信", rect=Rect(100, 225, 100, 20)),
                TextBlock(text="版权所有：示例市人民政府", rect=Rect(100, 600, 300, 20)),
            ],
        ),
    )
    assert nearby_text(art, Rect(100, 100, 110, 110)) == "扫码关注微信"
