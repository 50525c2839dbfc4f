"""Sites-list hygiene: equal addresses are one site, malformed hosts are named by row and skipped."""

from __future__ import annotations

import pytest

from auditor.run.sites import normalize_url, parse_rows, site_key, validate_url

HEADER = ["网站名称", "网站标识码", "首页网址", "主办单位", "地区"]
SAME_SITE = [
    "www.a.gov.cn",
    "http://www.a.gov.cn/",
    "HTTP://WWW.A.GOV.CN",
    "http://www.a.gov.cn:80",
]
MALFORMED = [
    "http://..host/",
    "http://-a.gov.cn/",
    "http://a..gov.cn/",
    "http://exa mple.gov.cn/",
    "ftp://a.gov.cn/",
    "http://user:pw@a.gov.cn/",
]


def row(url: str, name: str = "某网站") -> list[str]:
    return [name, "3700000001", url, "某办公厅", "某市"]


def test_equivalent_addresses_have_one_site_key():
    """Bare host, trailing slash, upper case and the default port all give the same key."""
    assert {site_key(u) for u in SAME_SITE} == {"http://www.a.gov.cn"}
    assert {normalize_url(u) for u in SAME_SITE} == {"http://www.a.gov.cn/"}


def test_later_duplicates_are_skipped_naming_their_row_and_the_first_row():
    """Only the first of several equal addresses loads; each later one is an error by row."""
    rows = [HEADER, row("http://www.b.gov.cn/", "乙")]
    rows += [row(u, f"甲{i}") for i, u in enumerate(SAME_SITE)]
    result = parse_rows(rows)
    assert [(s.name, s.row, s.url) for s in result.sites] == [
        ("乙", 2, "http://www.b.gov.cn/"),
        ("甲0", 3, "http://www.a.gov.cn/"),
    ]
    assert len(result.errors) == 3
    for n, message in zip((4, 5, 6), result.errors, strict=True):
        assert f"第{n}行" in message and "与第3行是同一网站" in message


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_address_is_rejected(url: str):
    """validate_url gives a reason for each malformed address (after normalising it)."""
    assert validate_url(normalize_url(url))


def test_malformed_rows_are_named_by_row_and_the_others_still_load():
    """Each malformed row is an error naming its row number; the good rows around them load."""
    rows = [HEADER, row("http://www.good1.gov.cn/")]
    rows += [row(u) for u in MALFORMED] + [row("www.good2.gov.cn")]
    result = parse_rows(rows)
    assert [(s.row, s.url) for s in result.sites] == [
        (2, "http://www.good1.gov.cn/"),
        (9, "http://www.good2.gov.cn/"),
    ]
    assert len(result.errors) == len(MALFORMED)
    for n, (url, message) in enumerate(zip(MALFORMED, result.errors, strict=True), start=3):
        assert f"第{n}行" in message and url in message and "已跳过" in message


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("https://a.gov.cn:443/", "https://a.gov.cn/"),
        ("HTTPS://A.GOV.CN:443", "https://a.gov.cn/"),
        ("http://a.gov.cn:8080/", "http://a.gov.cn:8080/"),
        ("https://a.gov.cn:80/", "https://a.gov.cn:80/"),
        ("http://a.gov.cn/zwgk/index.html?id=7&p=2", "http://a.gov.cn/zwgk/index.html?id=7&p=2"),
    ],
)
def test_scheme_port_path_and_query_normalise(raw: str, normal: str):
    """https stays https, only the scheme's default port is dropped, path and query are kept."""
    assert normalize_url(raw) == normal


def test_non_default_port_path_and_query_make_different_sites():
    """A different port or path is a different site key, not a duplicate."""
    keys = {site_key(u) for u in ("http://a.gov.cn", "http://a.gov.cn:8080", "http://a.gov.cn/x")}
    assert len(keys) == 3
    assert site_key("https://a.gov.cn:443/") != site_key("http://a.gov.cn/")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/", "http://[::1]:8080/", "localhost:5000", "http://10.0.0.1/"]
)
def test_ip_addresses_and_localhost_are_accepted(url: str):
    """Single-label hosts that are IPs or localhost pass validation and load from a list."""
    assert validate_url(normalize_url(url)) is None
    result = parse_rows([HEADER, row(url)])
    assert result.errors == [] and [s.url for s in result.sites] == [normalize_url(url)]
