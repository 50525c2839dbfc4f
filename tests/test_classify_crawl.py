"""Page-type classification and the crawl plan: pure functions over URLs and artifacts."""

from __future__ import annotations

import pytest

from auditor.artifacts import Artifacts, Link, Meta, TextBlock
from auditor.crawl import plan
from auditor.extract.page_type import TypeRules, classify, guess_from_url
from auditor.model import PageType

HOME = "http://www.jiangsu.gov.cn/"


def page(url, metas=None, **fields):
    metas = [Meta(k, v) for k, v in (metas or {}).items()]
    return Artifacts(url=url, final_url=url, status=200, metas=metas, **fields)


# -- classify ----------------------------------------------------------------------------------


def test_article_title_meta_makes_an_article():
    art = page(
        "http://www.jiangsu.gov.cn/page.html", {"ArticleTitle": "标题", "ColumnName": "要闻"}
    )
    assert classify(art, is_home=False) is PageType.ARTICLE


def test_column_name_meta_only_makes_a_column():
    art = page("http://www.jiangsu.gov.cn/art/2024/10/14/art_1_2.html", {"ColumnName": "要闻"})
    assert classify(art, is_home=False) is PageType.COLUMN


def test_meta_names_are_matched_case_insensitively_for_type():
    art = page("http://www.jiangsu.gov.cn/page.html", {"pubdate": "2024-10-14 10:17"})
    assert classify(art, is_home=False) is PageType.ARTICLE


def test_empty_article_meta_does_not_decide_the_type():
    art = page("http://www.jiangsu.gov.cn/col/col123/index.html", {"ArticleTitle": " "})
    assert classify(art, is_home=False) is PageType.COLUMN


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.jiangsu.gov.cn/art/2024/10/14/art_1_2.html", PageType.ARTICLE),
        ("http://www.jiangsu.gov.cn/col/col123/index.html", PageType.COLUMN),
        ("http://www.gd.gov.cn/zwgk/t20240101_123.html", PageType.ARTICLE),
    ],
)
def test_url_shape_gives_the_type(url, expected):
    assert guess_from_url(url) is expected
    assert classify(page(url), is_home=False) is expected


def test_url_without_known_shape_gives_no_guess():
    assert guess_from_url("http://www.jiangsu.gov.cn/about.html") is None


def test_start_url_is_always_home():
    art = page("http://www.jiangsu.gov.cn/art/2024/10/14/art_1_2.html", {"ArticleTitle": "标题"})
    assert classify(art, is_home=True) is PageType.HOME


def test_type_rules_override_meta_and_url():
    art = page("http://www.jiangsu.gov.cn/art/2024/10/14/art_1_2.html", {"ArticleTitle": "标题"})
    rules = TypeRules(column_pattern=r"/art/2024/")
    assert classify(art, is_home=False, rules=rules) is PageType.COLUMN
    col = page("http://www.jiangsu.gov.cn/col/col123/index.html", {"ColumnName": "要闻"})
    rules = TypeRules(article_pattern=r"col123")
    assert classify(col, is_home=False, rules=rules) is PageType.ARTICLE


def test_type_rules_apply_to_url_guess():
    assert guess_from_url(
        "http://x.gov.cn/show.aspx", TypeRules(article_pattern=r"show\.aspx")
    ) is (PageType.ARTICLE)


def test_page_with_publish_info_and_few_dates_is_an_article():
    art = page(
        "http://www.jiangsu.gov.cn/show.html",
        info_blocks=[TextBlock("发布时间：2024-10-14 来源：省政府办公厅")],
        body_text="正文……2024-10-14",
    )
    assert classify(art, is_home=False) is PageType.ARTICLE


def test_page_with_many_dated_items_is_a_column():
    dates = " ".join(f"某某通知 2024-10-{d:02d}" for d in range(1, 12))
    art = page(
        "http://www.jiangsu.gov.cn/show.html",
        info_blocks=[TextBlock("发布时间：2024-10-14")],
        body_text=dates,
    )
    assert classify(art, is_home=False) is PageType.COLUMN


# -- crawl.plan --------------------------------------------------------------------------------


def links(*urls, text="栏目", visible=True):
    return [Link(href=u, text=text, visible=visible) for u in urls]


COLS = [f"http://www.jiangsu.gov.cn/col/col{i}/index.html" for i in range(1, 4)]
ARTS = [f"http://www.jiangsu.gov.cn/art/2024/10/14/art_1_{i}.html" for i in range(1, 3)]


def test_plan_alternates_columns_and_articles():
    home = page(HOME, links=links(*COLS, *ARTS))
    assert plan([home], HOME, set(), 10, TypeRules()) == [
        COLS[0],
        ARTS[0],
        COLS[1],
        ARTS[1],
        COLS[2],
    ]


def test_plan_respects_budget():
    home = page(HOME, links=links(*COLS, *ARTS))
    assert plan([home], HOME, set(), 3, TypeRules()) == [COLS[0], ARTS[0], COLS[1]]
    assert plan([home], HOME, set(), 0, TypeRules()) == []


def test_plan_skips_urls_already_done():
    home = page(HOME, links=links(*COLS, *ARTS))
    done = {COLS[0], ARTS[1]}
    assert plan([home], HOME, done, 10, TypeRules()) == [COLS[1], ARTS[0], COLS[2]]


def test_plan_stays_on_the_same_host_and_port():
    other = [
        "http://www.js.gov.cn/col/col9/index.html",  # another host of the same site
        "http://www.jiangsu.gov.cn:8080/col/col9/index.html",  # another port
        "https://www.gov.cn/col/col9/index.html",
        "mailto:webmaster@jiangsu.gov.cn",
        "javascript:void(0)",
    ]
    home = page(HOME, links=links(*other, COLS[0]))
    assert plan([home], HOME, set(), 10, TypeRules()) == [COLS[0]]


def test_plan_keeps_an_explicit_port_of_the_home_page():
    home_url = "http://127.0.0.1:8765/"
    same = "http://127.0.0.1:8765/col/col1/index.html"
    home = page(home_url, links=links(same, "http://127.0.0.1:9999/col/col1/index.html"))
    assert plan([home], home_url, set(), 10, TypeRules()) == [same]


def test_plan_skips_documents_and_images():
    files = [
        "http://www.jiangsu.gov.cn/files/2024/report.pdf",
        "http://www.jiangsu.gov.cn/files/2024/notice.DOCX",
        "http://www.jiangsu.gov.cn/images/banner.jpg",
    ]
    home = page(HOME, links=links(*files, ARTS[0]))
    assert plan([home], HOME, set(), 10, TypeRules()) == [ARTS[0]]


def test_plan_deduplicates_across_pages_and_fragments():
    first = page(HOME, links=links(COLS[0], COLS[0] + "#top", ARTS[0]))
    second = page(COLS[0], links=links(COLS[0], ARTS[0], ARTS[1]))
    assert plan([first, second], HOME, set(), 10, TypeRules()) == [COLS[0], ARTS[0], ARTS[1]]


def test_plan_skips_home_itself_and_hidden_links():
    home = page(HOME, links=[*links(HOME, HOME + "#main"), *links(COLS[1], visible=False)])
    assert plan([home], HOME, set(), 10, TypeRules()) == []


def test_plan_guesses_unknown_urls_by_link_text_length():
    short = Link(href="http://www.jiangsu.gov.cn/gywm.html", text="关于我们")
    long_ = Link(href="http://www.jiangsu.gov.cn/show.html", text="省政府召开第三十次常务会议")
    home = page(HOME, links=[long_, short])
    # column first: the short text is a navigation item, the long one an article title
    assert plan([home], HOME, set(), 10, TypeRules()) == [short.href, long_.href]
