"""严重表述错误 and 伪造发稿日期 on hand-made artifacts; the wording lists themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import meta_page

from auditor.artifacts import Artifacts, Meta, TextBlock
from auditor.checks.base import run_check
from auditor.checks.content import forged_date, serious_wording
from auditor.extract.wording import WordingError, lexicon, occurrences
from auditor.model import Outcome, PageType, Rect, SiteSpec

SITE = SiteSpec(url="https://www.example.gov.cn/")
GATHERED = "2026-11-20T09:00:00+08:00"


def worded(text: str, *, title: str = "", pubdate: str = "", extra: tuple[Path, ...] = ()):
    """A page whose text is ``text``, with the wording hits the render would record."""
    page = Artifacts(url=SITE.url, final_url=SITE.url, status=200, title=title, body_text=text)
    if pubdate:
        page.metas = [Meta("PubDate", pubdate)]
    texts = [("网页标题", title), ("正文", text)]
    lex = lexicon(extra)
    page.wording = {"lists": list(lex.lists), "hits": occurrences(lex, texts), "marks": []}
    return page


def found(page: Artifacts) -> list:
    return [f for f in run_check(serious_wording, page, SITE) if f.outcome is not Outcome.PASS]


# -- serious-wording -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("深入推进扫黑险恶专项斗争", "扫黑险恶", "扫黑除恶"),
        ("坚持和发展中国特色社会注意", "中国特色社会注意", "中国特色社会主义"),
        ("2026年起由国家工商行政管理总局负责", "国家工商行政管理总局", "国家市场监督管理总局"),
        ("会见台湾总统", "台湾总统", "台湾地区领导人"),
    ],
)
def test_a_listed_error_is_a_review_finding_with_the_correct_form(text, wrong, right):
    [finding] = found(worded(text))
    assert finding.outcome is Outcome.REVIEW
    assert f"“{wrong}”" in finding.message and f"应为“{right}”" in finding.message
    assert finding.data["wrong"] == wrong and finding.data["where"] == ["正文"]


@pytest.mark.parametrize(
    "text",
    [
        "深入推进扫黑除恶专项斗争",  # the correct form
        "网上流传的“扫黑险恶”系误写，应为“扫黑除恶”",  # a quoted correction
        "不承认所谓“台湾总统”",  # refuted
        "所谓台湾总统",
        "县农业部门组织春耕",  # 农业部门 is not 农业部
        "市文化部门开展文化部署",  # nor 文化部门 / 文化部署
        "扫黑除恶常态化",
    ],
)
def test_near_misses_are_no_finding(text):
    assert found(worded(text)) == []


def test_an_abolished_name_is_fine_in_an_article_dated_before_the_reform():
    assert found(worded("国土资源部印发通知", pubdate="2017-05-02 10:00")) == []
    [finding] = found(worded("国土资源部印发通知", pubdate="2019-05-02 10:00"))
    assert finding.data["right"] == "自然资源部"


@pytest.mark.parametrize(
    "text",
    [
        "原中国银行保险监督管理委员会职责划入",  # 原…: the former name, as such
        "中国银行保险监督管理委员会行政监管措施决定书〔2021〕4号",  # a document of its time
        "2021-05-06 中国银行保险监督管理委员会关于印发办法的通知",
    ],
)
def test_an_abolished_name_written_as_the_former_one_is_fine(text):
    assert found(worded(text)) == []


def test_an_abolished_name_next_to_a_later_year_is_a_finding():
    [finding] = found(worded("2024年中国银行保险监督管理委员会召开会议"))
    assert finding.data["right"] == "国家金融监督管理总局"


def test_hits_in_the_title_and_text_are_one_finding_per_term_with_the_count():
    [finding] = found(worded("扫黑险恶 一 扫黑险恶", title="扫黑险恶工作"))
    assert finding.data["count"] == 3
    assert finding.data["where"] == ["网页标题", "正文"]
    assert "3处" in finding.message


def test_the_located_words_are_outlined():
    page = worded("推进扫黑险恶")
    assert page.wording is not None
    box = {"x": 10.0, "y": 20.0, "width": 56.0, "height": 14.0}
    page.wording["marks"] = [
        {"phrase": "扫黑险恶", "selector": "#c p", "rect": box, "snippet": "<p>"}
    ]
    [finding] = found(page)
    assert finding.rect == Rect(10.0, 20.0, 56.0, 14.0) and finding.selector == "#c p"


def test_without_the_wording_gatherer_the_check_is_not_applicable():
    page = Artifacts(url=SITE.url, body_text="扫黑险恶")
    [finding] = run_check(serious_wording, page, SITE)
    assert finding.outcome is Outcome.NOT_APPLICABLE


def test_a_province_adds_its_own_list(tmp_path: Path):
    own = tmp_path / "本省.toml"
    own.write_text(
        '[list]\nname = "本省"\nsource = "省政府办公厅"\n'
        '[[term]]\nwrong = "某某县政府"\nright = "某某区政府"\n',
        encoding="utf-8",
    )
    [finding] = found(worded("某某县政府发布通知", extra=(own,)))
    assert finding.data["list"] == "本省" and "省政府办公厅" in finding.message
    assert found(worded("某某县政府发布通知")) == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("[[term]]\nright = 'x'\n", "缺少 wrong"),
        ("[[term]]\nwrong = 'x'\nwhere = 'y'\n", "不认识的字段：where"),
        ("[[term]]\nwrong = 'x'\nsince = '2018'\n", "since 应为 YYYY-MM-DD"),
        ("[[term\n", "格式错误"),
    ],
)
def test_a_bad_list_is_a_clear_error_naming_the_file(tmp_path: Path, body, says):
    bad = tmp_path / "bad.toml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(WordingError, match=says) as err:
        lexicon((bad,))
    assert str(bad) in str(err.value)


def test_every_bundled_entry_has_a_source_and_no_term_is_listed_twice():
    lex = lexicon()
    assert {x["name"] for x in lex.lists} >= {"规范表述错写", "已撤销机构名称", "禁用表述"}
    assert all(e.source for e in lex.entries)
    terms = [e.wrong for e in lex.entries]
    assert len(terms) == len(set(terms))
    assert all(e.wrong != e.right for e in lex.entries)


# -- forged-date ---------------------------------------------------------------------------------


def dated_page(*, pubdate: str = "", url: str = SITE.url, items=(), shown: str = "") -> Artifacts:
    page = meta_page(
        page_type=PageType.ARTICLE, url=url, **({"PubDate": pubdate} if pubdate else {})
    )
    page.gathered_at = GATHERED
    page.list_items = [
        {"title": t, "date_text": d, "href": h, "selector": f"li:nth-of-type({i + 1})"}
        for i, (t, d, h) in enumerate(items)
    ]
    if shown:
        page.info_blocks = [TextBlock(text=f"发布时间：{shown}")]
    return page


def dates(page: Artifacts) -> list:
    return [f for f in run_check(forged_date, page, SITE) if f.outcome is not Outcome.PASS]


def test_a_pubdate_after_the_render_is_for_review():
    [finding] = dates(dated_page(pubdate="2026-11-20 09:01"))
    assert finding.outcome is Outcome.REVIEW
    assert "晚于检查时间 2026-11-20 09:00" in finding.message


def test_a_pubdate_just_before_the_render_or_in_beijing_time_is_fine():
    assert dates(dated_page(pubdate="2026-11-20 09:00")) == []
    page = dated_page(pubdate="2026-11-20 10:17")
    page.gathered_at = "2026-11-20T02:30:00+00:00"  # = 10:30 in Beijing
    assert dates(page) == []


def test_list_entries_dated_after_today_are_one_review_line():
    items = [
        ("关于春节放假的通知", "2027-01-05", "https://www.example.gov.cn/a/1.html"),
        ("第二条", "2026-12-01", "https://www.example.gov.cn/a/2.html"),
        ("正常的", "2026-11-19", "https://www.example.gov.cn/a/3.html"),
        ("只有月日", "12-30", "https://www.example.gov.cn/a/4.html"),  # last year's December
    ]
    [finding] = dates(dated_page(items=items))
    assert finding.outcome is Outcome.REVIEW
    assert finding.data == {"kind": "future", "count": 2, "found": "2027-01-05"}
    assert "“关于春节放假的通知”等2条" in finding.message


@pytest.mark.parametrize(
    ("href", "redated"),
    [
        ("https://www.example.gov.cn/art/2020/5/12/art_1_2.html", True),
        ("https://www.example.gov.cn/xxgk/202005/t20200512_123.html", True),
        ("https://www.example.gov.cn/art/2026/11/18/art_1_2.html", False),
        ("https://www.example.gov.cn/art/2026/9/1/art_1_2.html", False),  # 78 days: a late post
        ("https://www.example.gov.cn/news/123.html", False),
    ],
)
def test_a_new_entry_at_a_much_older_address_is_re_dated(href, redated):
    found_ = dates(dated_page(items=[("县政府召开常务会议", "2026-11-18", href)]))
    assert [f.data["kind"] for f in found_] == (["redated"] if redated else [])


def test_an_old_entry_at_an_old_address_is_no_finding():
    items = [("旧闻", "2020-05-12", "https://www.example.gov.cn/art/2019/5/12/a.html")]
    assert dates(dated_page(items=items)) == []


def test_a_new_article_at_an_old_address_is_re_dated():
    url = "https://www.example.gov.cn/art/2019/3/1/art_9_9.html"
    [finding] = dates(dated_page(pubdate="2026-11-18 10:00", url=url))
    assert finding.data["kind"] == "redated"
    assert "网址中的日期为 2019年3月1日" in finding.message


# -- in a real browser ---------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.browser
def test_the_rendered_page_has_exactly_its_wording_errors_outlined(browser_session, page_server):
    root, server = page_server
    (root / "index.html").write_bytes((FIXTURES / "wording.html").read_bytes())
    art = browser_session.render(server.url + "index.html")
    assert art.loaded, art.load_error
    found_ = {f.data["wrong"]: f for f in run_check(serious_wording, art, SiteSpec(url=server.url))}
    # 扫黑出恶 is not drawn; the quoted correction and 农业部门 are no errors
    assert sorted(found_) == ["两学一作", "中国特色社会注意", "扫黑险恶"]
    assert found_["两学一作"].data["where"] == ["网页标签 Keywords"]
    assert found_["两学一作"].region == "page"
    typo = found_["扫黑险恶"]
    assert typo.selector == "#news > li:nth-of-type(1)" and typo.rect is not None
    assert typo.rect.width < 100  # the four characters, not the whole line
    split = found_["中国特色社会注意"]  # split by <b>: the smallest element holding it
    assert split.selector == "#news > li:nth-of-type(3)"


def test_with_an_audit_date_the_future_starts_after_that_day():
    page = dated_page(pubdate="2026-11-28 08:00")
    page.gathered_at = "2026-12-05T09:00:00+08:00"
    page.as_of = "2026-11-27"  # --as-of: the audit is as of that day, whenever it is rendered
    [finding] = dates(page)
    assert "晚于检查时间 2026-11-27 23:59" in finding.message
    page.as_of = "2026-11-28"
    assert dates(page) == []


def test_the_article_s_own_date_line_is_not_counted_again_as_a_list_entry():
    items = [("首页", "2026-12-15", "https://www.example.gov.cn/")]  # crumb row with 发布时间
    page = dated_page(pubdate="2026-12-15 10:00", items=items)
    assert [f.data["kind"] for f in dates(page)] == ["future"]
    assert "PubDate" in dates(page)[0].message
