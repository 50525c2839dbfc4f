"""Reading a supervisor's sites list (CSV in UTF-8-BOM or GBK, or XLSX)."""

from __future__ import annotations

import pytest

from auditor.model import SiteSpec
from auditor.run.sites import SitesFileError, parse_rows, read_sites

HEADER = ["网站名称", "网站标识码", "首页网址", "主办单位", "地区", "备注"]
ROWS = [
    HEADER,
    [
        "江苏省人民政府",
        "3200000084",
        "http://www.jiangsu.gov.cn/",
        "江苏省人民政府办公厅",
        "江苏",
        "门户",
    ],
    ["上海市人民政府", "3100000044", "www.shanghai.gov.cn", "上海市人民政府办公厅", "上海", ""],
    ["坏网址", "4100000001", "ht!tp://bad url", "河南省人民政府办公厅", "河南", ""],
    ["没有网址", "1200000052", "", "天津市人民政府办公厅", "天津", ""],
    ["江苏重复", "3200000084", "http://www.jiangsu.gov.cn/", "", "江苏", ""],
]
JIANGSU = SiteSpec(
    url="http://www.jiangsu.gov.cn/",
    name="江苏省人民政府",
    code="3200000084",
    sponsor="江苏省人民政府办公厅",
    region="江苏",
    extra={"备注": "门户"},
    row=2,
)
SHANGHAI = SiteSpec(
    url="http://www.shanghai.gov.cn/",
    name="上海市人民政府",
    code="3100000044",
    sponsor="上海市人民政府办公厅",
    region="上海",
    row=3,
)


def csv_text(rows):
    return "".join(",".join(r) + "\r\n" for r in rows)


def assert_sample_loaded(result):
    assert result.sites == [JIANGSU, SHANGHAI]
    assert len(result.errors) == 3
    bad, empty, dup = result.errors
    assert "第4行" in bad
    assert "ht!tp://bad url" in bad
    assert "第5行" in empty
    assert "首页网址为空" in empty
    assert "第6行" in dup
    assert "同一网站" in dup


def test_parse_rows_loads_good_rows_and_reports_bad_ones_by_row_number():
    assert_sample_loaded(parse_rows(ROWS))


def test_bare_host_gets_http_scheme():
    result = parse_rows([["首页网址"], ["www.beijing.gov.cn"]])
    assert [s.url for s in result.sites] == ["http://www.beijing.gov.cn/"]


def test_extra_columns_are_kept_by_header_name():
    result = parse_rows([["首页网址", "联系人", "电话"], ["www.hd.gov.cn", "张三", "0310-1234567"]])
    assert result.sites[0].extra == {"联系人": "张三", "电话": "0310-1234567"}


def test_english_header_aliases_are_accepted():
    result = parse_rows(
        [["url", "name", "code"], ["https://www.gov.cn/", "中国政府网", "bm01000001"]]
    )
    site = result.sites[0]
    assert (site.url, site.name, site.code) == ("https://www.gov.cn/", "中国政府网", "bm01000001")


def test_short_row_is_padded():
    result = parse_rows([HEADER, ["邯郸市人民政府", "1304000009", "www.hd.gov.cn"]])
    assert result.errors == []
    assert result.sites[0].sponsor == ""
    assert result.sites[0].region == ""


def test_missing_url_column_raises_with_the_header_seen():
    with pytest.raises(SitesFileError) as exc:
        parse_rows([["网站名称", "网站标识码", "地区"], ["江苏省人民政府", "3200000084", "江苏"]])
    message = str(exc.value)
    assert "缺少“首页网址”列" in message
    assert "网站名称、网站标识码、地区" in message  # what the file has


def test_empty_list_raises():
    with pytest.raises(SitesFileError, match="空"):
        parse_rows([["", ""], []])


def test_row_numbers_count_blank_lines():
    result = parse_rows([HEADER, ["", "", "", "", "", ""], ["坏网址", "", "ht!tp://bad url"]])
    assert len(result.errors) == 1
    assert "第3行" in result.errors[0]


def test_utf8_bom_csv_loads(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_bytes(csv_text(ROWS).encode("utf-8-sig"))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = read_sites(path)
    assert_sample_loaded(result)
    assert all("sites.csv" in e for e in result.errors)


def test_gbk_csv_loads(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_bytes(csv_text(ROWS).encode("gbk"))
    assert_sample_loaded(read_sites(path))


def test_xlsx_loads_like_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    sheet = wb.active
    for row in ROWS:
        sheet.append([c if c else None for c in row])
    path = tmp_path / "sites.xlsx"
    wb.save(path)
    assert_sample_loaded(read_sites(path))


def test_xlsx_numeric_code_cell_is_read_as_digits(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["网站名称", "网站标识码", "首页网址"])
    wb.active.append(["江苏省人民政府", 3200000084, "www.jiangsu.gov.cn"])
    path = tmp_path / "sites.xlsx"
    wb.save(path)
    assert read_sites(path).sites[0].code == "3200000084"


def test_missing_file_raises(tmp_path):
    with pytest.raises(SitesFileError, match="不存在"):
        read_sites(tmp_path / "nope.csv")


def test_unsupported_suffix_raises(tmp_path):
    path = tmp_path / "sites.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(SitesFileError, match=r"\.json"):
        read_sites(path)
