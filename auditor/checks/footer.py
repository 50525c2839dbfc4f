"""底部功能区: the identifiers every government page footer must list (国办发〔2017〕47号 网页设计规范 底部功能区)."""

from __future__ import annotations

from auditor.artifacts import Artifacts
from auditor.checks.base import Problem, Scoring, check, problem
from auditor.checks.names import names_agree
from auditor.extract.page import (
    conac,
    contact,
    error_report_entries,
    icp,
    is_valid_site_code,
    police_record,
    site_code,
    sitemap_link,
    sponsor,
)
from auditor.model import Role, Severity, SiteSpec

FOOTER = ("footer",)


@check(
    id="footer-conac",
    name="党政机关网站标识",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="党政机关网站标识（中央编办）；国办秘函〔2019〕19号 扣分指标/网站标识；分值 1（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="中央编办 党政机关网站标识（bszs.conac.cn / dcs.conac.cn）",
    requires=("footer", "images", "links", "scripts"),
)
def footer_conac(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """底部须悬挂党政机关网站标识（红色标识，链接至 bszs.conac.cn 证书页）。"""
    badge = conac(page)
    if badge is None:
        return [
            problem(
                "底部未找到党政机关网站标识（应有链接至 bszs.conac.cn 的标识图片或 dcs.conac.cn 脚本）",
                region="footer",
            )
        ]
    at = badge.block if badge.block and badge.block.rect else None
    if badge.data.get("image") == "error":
        return [
            problem(
                "党政机关网站标识显示为错误状态（red_error.png），标识核验未通过",
                at=at,
                region="footer",
                found=badge.text,
            )
        ]
    if badge.data.get("image") == "blue":
        return [
            problem(
                "党政机关网站标识为蓝色（事业单位标识），请核对开办单位类型",
                at=at,
                region="footer",
                review=True,
                found=badge.text,
            )
        ]
    if badge.value == "script":
        return [
            problem(
                "页面引用了 dcs.conac.cn 标识脚本，但渲染后未显示标识图片（脚本可能无法访问）",
                region="footer",
                review=True,
                found=badge.text,
            )
        ]
    return []


@check(
    id="footer-site-code",
    name="网站标识码",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 底部功能区 网站标识码（未核实）；分值 1（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="国办发〔2017〕47号 网页设计规范：底部功能区须列明网站标识码（10位数字，前2位为省级行政区划代码；或 bm+8位数字）",
    requires=FOOTER,
)
def footer_site_code(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """底部须展示格式正确的网站标识码，并与报送的标识码一致。"""
    found = site_code(page)
    if found is None:
        return [
            problem(
                "底部未找到网站标识码（应为“网站标识码：NNNNNNNNNN”，10位数字或 bm+8位数字）",
                region="footer",
                expected=site.code or "10位数字或bm+8位数字",
            )
        ]
    if not is_valid_site_code(found.value):
        return [
            problem(
                f"网站标识码“{found.value}”格式错误（应为10位数字且前2位为省级区划代码，或 bm+8位数字）",
                at=found.block,
                region="footer",
                found=found.value,
            )
        ]
    if site.code and found.value != site.code.strip().lower():
        return [
            problem(
                f"底部网站标识码“{found.value}”与报送的“{site.code}”不一致",
                at=found.block,
                region="footer",
                expected=site.code,
                found=found.value,
            )
        ]
    return []


@check(
    id="footer-sponsor",
    name="主办单位",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 底部功能区 网站主办单位（未核实）；分值 1（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="国办发〔2017〕47号 网页设计规范：底部功能区须列明网站主办单位",
    requires=FOOTER,
)
def footer_sponsor(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """底部须列明网站主办单位（正文中的“主办单位”不算）。"""
    found = sponsor(page)
    if found is None:
        return [
            problem(
                "底部未找到网站主办单位（应为“主办单位：XXX”或“XXX主办”）",
                region="footer",
                expected=site.sponsor or "主办单位：XXX",
            )
        ]
    if site.sponsor and not names_agree(site.sponsor, found.value):
        return [
            problem(
                f"底部主办单位“{found.value}”与报送的“{site.sponsor}”不一致，请核对",
                at=found.block,
                region="footer",
                review=True,
                expected=site.sponsor,
                found=found.value,
            )
        ]
    return []


@check(
    id="footer-contact",
    name="联系方式",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 底部功能区 联系方式（未核实）；分值 1（未核实）",
    ),
    severity=Severity.MODERATE,
    rule="国办发〔2017〕47号 网页设计规范：底部功能区须列明主办单位联系方式（联系我们、电话或地址）",
    requires=("footer", "links"),
)
def footer_contact(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """底部须提供联系方式：“联系我们”链接、电话或地址。"""
    if contact(page):
        return []
    return [
        problem(
            "底部未找到联系方式（应有“联系我们”链接、联系电话或地址）",
            region="footer",
        )
    ]


@check(
    id="footer-icp",
    name="ICP备案编号",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="《非经营性互联网信息服务备案管理办法》第13条；分值 1（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="《非经营性互联网信息服务备案管理办法》第13条：主页底部标明备案编号并链接备案管理系统",
    requires=("footer", "links"),
)
def footer_icp(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """底部须标明 ICP 备案编号并链接 beian.miit.gov.cn。"""
    found = icp(page)
    if found is None:
        return [
            problem(
                "底部未找到ICP备案编号（应为“X ICP备NNNNNNNN号”格式并链接 beian.miit.gov.cn）",
                region="footer",
            )
        ]
    problems: list[Problem] = []
    if found.data["kind"] == "证":
        problems.append(
            problem(
                f"“{found.text}”是经营许可证号，不是ICP备案编号（应为“ICP备”）",
                at=found.block,
                found=found.text,
            )
        )
    elif len(found.data["digits"]) not in (8, 10):
        problems.append(
            problem(
                f"ICP备案编号“{found.text}”位数不对（应为8位或10位数字）",
                at=found.block,
                found=found.text,
            )
        )
    if not found.data["linked"]:
        problems.append(
            problem(
                f"ICP备案编号“{found.text}”未链接到工信部备案系统 beian.miit.gov.cn",
                at=found.block,
                region="footer",
                found=found.text,
                expected="https://beian.miit.gov.cn/",
            )
        )
    return problems


@check(
    id="footer-police-record",
    name="公安机关备案标识",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="《计算机信息网络国际联网安全保护管理办法》公安机关备案；分值 1（未核实）",
    ),
    severity=Severity.MODERATE,
    rule="《计算机信息网络国际联网安全保护管理办法》：网页底部放置公安备案信息",
    requires=("footer", "links"),
)
def footer_police_record(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """底部须展示“X公网安备 14位数字号”，并链接 beian.gov.cn 的同一备案号。"""
    found = police_record(page)
    if found is None:
        return [
            problem(
                "底部未找到公安机关备案号（应为“X公网安备 NNNNNNNNNNNNNN号”并链接 beian.gov.cn）",
                region="footer",
            )
        ]
    digits = found.data["digits"]
    if not found.data["standard"]:
        return [
            problem(
                f"公安备案号“{found.text}”为非标准格式（应为“{found.data['abbr']}公网安备 14位数字号”）",
                at=found.block,
                found=found.text,
            )
        ]
    codes = found.data["link_codes"]
    if not codes:
        return [
            problem(
                f"公安备案号“{found.text}”未链接到 beian.gov.cn 备案查询页",
                at=found.block,
                found=found.text,
            )
        ]
    if digits not in codes:
        return [
            problem(
                f"公安备案号“{digits}”与链接中的备案号“{codes[0]}”不一致",
                at=found.block,
                expected=digits,
                found=codes[0],
            )
        ]
    return []


@check(
    id="footer-sitemap",
    name="网站地图",
    indicator="功能设计/网站标识",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 底部功能区 网站地图（未核实）；分值 1（未核实）",
    ),
    severity=Severity.MODERATE,
    rule="国办发〔2017〕47号 网页设计规范：底部功能区须提供网站地图（站点地图）且可访问",
    requires=("links", "probes"),
)
def footer_sitemap(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面须提供可访问的“网站地图/站点地图”链接。"""
    link = sitemap_link(page)
    if link is None:
        return [problem("未找到“网站地图”或“站点地图”链接", region="footer")]
    probe = page.probes.get(link.href)
    if isinstance(probe, int) and probe >= 400:
        return [
            problem(
                f"网站地图链接无法访问（HTTP {probe}）",
                at=link,
                href=link.href,
                status=probe,
            )
        ]
    if isinstance(probe, str):
        return [problem(f"网站地图链接无法访问：{probe}", at=link, href=link.href)]
    return []


@check(
    id="footer-error-report",
    name="我为政府网站找错",
    indicator="功能设计/我为政府网站找错",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=2,
        verified=False,
        basis="国办秘函〔2019〕19号 二级指标“我为政府网站找错”；分值 2（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号 二级指标“我为政府网站找错”：首页须设置“我为政府网站找错”监督举报平台入口，sitecode 与网站标识码一致",
    requires=("scripts", "links", "images"),
)
def footer_error_report(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """须有“我为政府网站找错”入口，其 sitecode 等于网站标识码。"""
    entries = error_report_entries(page)
    if not entries:
        return [
            problem(
                "未找到“我为政府网站找错”入口（zfwzgl.www.gov.cn/exposure/jiucuo.js 或 jiucuo.html 链接）",
                region="footer",
            )
        ]
    shown = site_code(page)
    expected = (
        site.code or (shown.value if shown else "") or page.meta("SiteIDCode") or ""
    ).lower()
    problems: list[Problem] = []
    codes = sorted({e.sitecode.lower() for e in entries if e.sitecode})
    at = next((e.element for e in entries if e.element), None)
    if not codes:
        problems.append(problem("“我为政府网站找错”入口未设置 sitecode", at=at, region="footer"))
    elif expected and expected not in codes:
        problems.append(
            problem(
                f"找错入口的 sitecode“{codes[0]}”与网站标识码“{expected}”不一致",
                at=at,
                region="footer",
                expected=expected,
                found=codes,
            )
        )
    if any(e.host == "pucha.kaipuyun.cn" for e in entries):
        problems.append(
            problem(
                "找错入口仍使用旧地址 pucha.kaipuyun.cn（应为 zfwzgl.www.gov.cn）",
                at=at,
                region="footer",
                review=True,
            )
        )
    return problems
