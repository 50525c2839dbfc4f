"""头部标识区: the site name is shown in the header (国办发〔2017〕47号 网页设计规范 头部标识区)."""

from __future__ import annotations

import re

from auditor.artifacts import Artifacts
from auditor.checks.base import Problem, Scoring, check, problem
from auditor.checks.names import core_name, names_agree
from auditor.extract.page import header_names
from auditor.model import Role, Severity, SiteSpec

# An organ's name as headers show it: 宜春市人民政府, 四川省中医药管理局, 中华人民共和国教育部.
# A place (X省/市/县/区…) or the state must lead, so 个人中心 or 中国政府网 links do not count.
ORGAN_NAME = re.compile(
    r"(?:中华人民共和国|国家|[\u4e00-\u9fff]{1,12}?(?:自治区|特别行政区|省|市|县|区|州|盟|旗))"
    r"[\u4e00-\u9fff（）()]{0,20}?(?:人民政府|委员会|管理局|办公厅|办公室|[局厅委部署院])"
)


@check(
    id="header-site-name",
    name="头部网站名称",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 头部标识区（未核实）；分值 1（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="国办发〔2017〕47号 网页设计规范：头部标识区醒目展示网站名称",
    requires=("header", "metas"),
)
def header_site_name(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """头部标识区须展示网站名称，并与 SiteName、<title> 及报送名称一致。"""
    tag = page.meta_any_case("SiteName")  # wrong case is meta-tags' business, not this check's
    meta_name = tag.content.strip() if tag else ""
    expected = site.name or meta_name
    problems: list[Problem] = []
    if site.name and meta_name and not names_agree(site.name, meta_name):
        problems.append(
            problem(
                f"SiteName“{meta_name}”与报送的网站名称“{site.name}”不一致",
                region="header",
                expected=site.name,
                found=meta_name,
            )
        )
    if expected and page.title and not names_agree(expected, page.title):
        problems.append(
            problem(
                f"<title>“{page.title[:60]}”中未包含网站名称“{expected}”",
                region="header",
                review=True,
                expected=expected,
                found=page.title,
            )
        )
    shown = header_names(page)
    if expected and any(core_name(expected) in core_name(s) for s in shown):
        return problems
    # Pictures of the header region, or drawn in the top band where header_names looks too.
    logos = [
        i for i in page.images if i.visible and i.rect and (i.region == "header" or i.rect.y < 320)
    ]
    organ = next((m.group(0) for s in shown if (m := ORGAN_NAME.search(s))), "")
    if not expected:
        problems.append(
            problem(
                "无法确定网站名称：未设置 SiteName 标签，网站清单也未提供名称",
                region="header",
                review=True,
            )
        )
    elif organ:
        problems.append(
            problem(
                f"头部显示的名称“{organ}”与网站名称“{expected}”不一致，请核对",
                region="header",
                review=True,
                expected=expected,
                found=organ,
            )
        )
    elif logos:
        logo = max(logos, key=lambda i: (i.rect.width * i.rect.height) if i.rect else 0)
        problems.append(
            problem(
                f"头部标识区未以文字或 logo 的 alt/title 展示网站名称“{expected}”；"
                "logo 为图片，请人工核对图片中的名称",
                at=logo,
                review=True,
                expected=expected,
                found=[s[:80] for s in shown],
            )
        )
    else:
        problems.append(
            problem(
                f"头部标识区未展示网站名称“{expected}”（应以文字或 logo 图片的 alt/title 展示）",
                region="header",
                expected=expected,
                found=[s[:80] for s in shown],
            )
        )
    return problems
