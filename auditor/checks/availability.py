"""Can the page be opened, and is it on a government domain (standards.md §1.2, §3.2, §7.1 F1)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, check, problem
from auditor.model import PageType, Severity, SiteSpec

GOV_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+gov\.cn$")
PORTAL_HOST = re.compile(r"^www\.(?:[a-z0-9-]+\.)?gov\.cn$")  # www.gov.cn is the central portal
DEPARTMENT_HOST = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+\.gov\.cn$")
CHINESE_GOV_TLDS = (".政务", ".xn--zfr164b")


@check(
    id="page-availability",
    indicator="单项否决/站点无法访问",
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：超过(含)15秒网站仍打不开即计为无法访问 — standards.md §3.2, §7.3 A1",
)
def page_availability(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面须在 15 秒内正常打开（HTTP 状态码 < 400）。"""
    kind = _failure_kind(page)
    if page.load_error:
        return [
            problem(
                f"页面无法正常打开：{page.load_error}（应在15秒内打开并返回网页）",
                region="page",
                kind=kind,
                status=page.status,
                load_ms=round(page.load_ms),
            )
        ]
    if page.status is not None and page.status >= 400:
        return [
            problem(
                f"页面返回 HTTP {page.status}（应返回 2xx/3xx）",
                region="page",
                kind="http-error",
                status=page.status,
            )
        ]
    return []


def _failure_kind(page: Artifacts) -> str:
    err = page.load_error
    for key, kind in (
        ("秒未能打开", "timeout"),
        ("DNS", "dns"),
        ("证书", "tls"),
        ("TLS", "tls"),
        ("不是网页", "not-html"),
        ("下载文件", "not-html"),
    ):
        if key in err:
            return kind
    return "error" if err else ""


@check(
    id="domain-name",
    indicator="扣分指标/域名名称",
    severity=Severity.SERIOUS,
    rule="国办发〔2017〕47号：政府网站要使用以.gov.cn为后缀的英文域名 — standards.md §1.2, §7.1 F1",
    page_types=(PageType.HOME,),
)
def domain_name(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """网站须使用 .gov.cn 域名，门户为 www.□□□.gov.cn，部门为 ○○○.□□□.gov.cn。"""
    host = (urlsplit(page.final_url or page.url).hostname or "").lower().rstrip(".")
    if not host:
        raise NotApplicable("无法确定主机名")
    if host.endswith(CHINESE_GOV_TLDS):
        return []
    if _is_ip(host):
        return [
            problem(
                f"网站使用 IP 地址“{host}”访问（应使用以 .gov.cn 为后缀的域名）",
                region="header",
                host=host,
                expected="*.gov.cn",
            )
        ]
    if not GOV_HOST.match(host):
        return [
            problem(
                f"域名“{host}”不以 .gov.cn 结尾（政府网站应使用 .gov.cn 域名）",
                region="header",
                host=host,
                expected="*.gov.cn",
            )
        ]
    if not (PORTAL_HOST.match(host) or DEPARTMENT_HOST.match(host)):
        return [
            problem(
                f"域名“{host}”层级不规范（门户应为 www.□□□.gov.cn，部门应为 ○○○.□□□.gov.cn）",
                region="header",
                review=True,
                host=host,
            )
        ]
    return []


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
