"""The gatherer on hand-written pages served from 127.0.0.1: what real markup does to footers."""

from __future__ import annotations

from pathlib import Path

from helpers import BrowserSession

from auditor.demo.server import DemoServer
from auditor.extract import page as extract

FOOTER = (
    "<div class='footer'>主办单位：示例市人民政府办公室 网站标识码：3701000001 "
    "<a href='https://beian.miit.gov.cn/'>鲁ICP备05001234号-1</a></div>"
)


def page(body: str, head: str = "") -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>示例</title>{head}</head><body><div style='height:1200px'>正文</div>{body}</body></html>"
    )


def test_footer_written_by_script_after_load_is_seen(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    late = FOOTER.replace("'", "\\'")
    (root / "late.html").write_text(
        page(
            "<div id='f'></div><script>setTimeout(function(){"
            f"document.getElementById('f').innerHTML='{late}';}}, 300);</script>"
        ),
        encoding="utf-8",
    )
    (root / "written.html").write_text(
        page(f'<script>document.write("{FOOTER}");</script>'), encoding="utf-8"
    )
    late_art, written_art = browser_session.render_all(
        [server.url + "late.html", server.url + "written.html"]
    )
    for art in (late_art, written_art):
        code = extract.site_code(art)
        assert code is not None and code.value == "3701000001"


def test_footer_inside_an_iframe_counts(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    (root / "foot.html").write_text(page(FOOTER).replace("height:1200px", "height:0"), "utf-8")
    (root / "main.html").write_text(
        page("<iframe src='foot.html' style='width:100%;height:200px;border:0'></iframe>"),
        encoding="utf-8",
    )
    art = browser_session.render(server.url + "main.html")
    icp = extract.icp(art)
    assert icp is not None and icp.value == "鲁ICP备05001234号-1"
    assert icp.data["linked"]
    assert icp.block is not None and icp.block.rect is not None
    assert icp.block.rect.y > 1000  # moved into main-document coordinates


def test_conac_script_rendering_is_seen(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    (root / "conac.js").write_text(
        "document.getElementById('_ideConac').innerHTML = \"<a href='//bszs.conac.cn/sitename?"
        "method=show&id=0AC8833E8BF70EE9E053012819AC7074'><img id='imgConac' src='red.png'></a>\";",
        encoding="utf-8",
    )
    (root / "c.html").write_text(
        page(
            "<div class='footer'>版权所有 <span id='_ideConac'></span><script src='conac.js'></script></div>"
        ),
        encoding="utf-8",
    )
    art = browser_session.render(server.url + "c.html")
    badge = extract.conac(art)
    assert badge is not None and badge.data["image"] == "red"


def test_hidden_mobile_footer_does_not_override_desktop(
    browser_session: BrowserSession,
    page_server: tuple[Path, DemoServer],
) -> None:
    root, server = page_server
    mobile = FOOTER.replace("3701000001", "3701000099").replace(
        "class='footer'", "class='footer m'"
    )
    (root / "dup.html").write_text(
        page(FOOTER + mobile, head="<style>.m{display:none}</style>"), encoding="utf-8"
    )
    art = browser_session.render(server.url + "dup.html")
    assert "3701000099" not in art.footer.text
    assert extract.site_code(art).value == "3701000001"


def test_article_body_sponsor_is_not_the_site_sponsor(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    body = "<div class='content'><p>主办单位：某某协会</p></div>" + FOOTER
    (root / "a.html").write_text(page(body).replace("height:1200px", "height:100px"), "utf-8")
    art = browser_session.render(server.url + "a.html")
    assert extract.sponsor(art).value == "示例市人民政府办公室"


def test_gbk_page_is_read_correctly(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    html = page(FOOTER).replace("charset='utf-8'", "charset='gbk'")
    (root / "g.gbk.html").write_bytes(html.encode("gbk"))
    art = browser_session.render(server.url + "g.gbk.html")
    assert extract.sponsor(art).value == "示例市人民政府办公室"


def test_metas_keep_case_and_duplicates(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer]
) -> None:
    root, server = page_server
    head = (
        "<meta name='sitename' content='甲'><meta name='SiteName' content='乙'>"
        "<meta content='丙' name='SiteName'><meta name='ColumnType' content=''>"
    )
    (root / "m.html").write_text(page("", head=head), encoding="utf-8")
    art = browser_session.render(server.url + "m.html")
    names = [(m.name, m.content) for m in art.metas]
    assert names == [("sitename", "甲"), ("SiteName", "乙"), ("SiteName", "丙"), ("ColumnType", "")]
    assert art.meta("SiteName") == "乙"


def test_screenshot_height_is_capped(
    browser_session: BrowserSession, page_server: tuple[Path, DemoServer], tmp_path: Path
) -> None:
    from PIL import Image

    root, server = page_server
    (root / "tall.html").write_text(page("").replace("height:1200px", "height:30000px"), "utf-8")
    art = browser_session.render(server.url + "tall.html", tmp_path / "tall.png")
    with Image.open(tmp_path / art.screenshot) as shot:
        assert shot.height == 16_000
    assert art.document_size[1] > 30_000


def test_http_error_and_non_html_are_recorded(
    browser_session: BrowserSession, demo_server: DemoServer
) -> None:
    missing, binary = browser_session.render_all(
        [demo_server.url + "__status/404", demo_server.url + "__binary"]
    )
    assert missing.status == 404 and not missing.loaded
    assert binary.load_error and not binary.loaded
