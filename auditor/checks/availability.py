"""Can the page be opened, and is it on a government domain (国办秘函〔2019〕19号 站点无法访问;
国办发〔2017〕47号 域名规则)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, Scoring, check, problem, unjudged
from auditor.checks.security import sent_away_from_government
from auditor.model import PageType, Role, Severity, SiteSpec

GOV_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+gov\.cn$")
PORTAL_HOST = re.compile(r"^www\.(?:[a-z0-9-]+\.)?gov\.cn$")  # www.gov.cn is the central portal
DEPARTMENT_HOST = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+\.gov\.cn$")
CHINESE_GOV_TLDS = (".政务", ".xn--zfr164b")


@check(
    id="page-availability",
    name="站点可访问",
    indicator="单项否决/站点无法访问",
    role=Role.VETO,
    scoring=Scoring(
        pages=(PageType.HOME,),
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/站点无法访问（正式判定需监测1周、失败占比≥5%；单次检测为线索）",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：超过(含)15秒网站仍打不开即计为无法访问",
)
def page_availability(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面须在 15 秒内正常打开（HTTP 状态码 < 400）；失败的页面会换新标签页再试。"""
    attempts = page.loading.get("attempts", 1)
    failures = page.loading.get("failures", [])
    tried = {"attempts": attempts, "failures": failures}
    if page.loaded:
        return []
    if page.loading.get("transient"):
        # The browser stumbled (an interrupted navigation, a crashed tab) every time: that says
        # nothing about the site, so it is not counted as 无法访问.
        return [
            unjudged(
                f"浏览器{attempts}次加载页面均出错（{page.load_error}），无法判定页面能否访问",
                region="page",
                kind="browser",
                **tried,
            )
        ]
    times = f"（共尝试{attempts}次）" if attempts > 1 else ""
    if page.load_error:
        return [
            problem(
                f"页面无法正常打开：{page.load_error}{times}（应在15秒内打开并返回网页）",
                region="page",
                kind=str(page.loading.get("kind") or "error"),
                status=page.status,
                load_ms=round(page.load_ms),
                **tried,
            )
        ]
    return [
        problem(
            f"页面返回 HTTP {page.status}{times}（应返回 2xx/3xx）",
            region="page",
            kind="http-error",
            status=page.status,
            **tried,
        )
    ]


@check(
    id="page-stability",
    name="页面稳定",
    indicator="参考/页面稳定性",
    role=Role.INFO,
    scoring=Scoring(
        verified=True,
        basis="页面打开后自动跳转：稳定性与被劫持线索，参考项，不计分",
    ),
    severity=Severity.MODERATE,
    rule="国办秘函〔2019〕19号 站点无法访问：页面须能正常打开并稳定显示；跳转至其他网站可能是被劫持",
)
def page_stability(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面打开后不应自行跳转到其他网站、不停刷新跳转，脚本也不应长时间卡住页面。"""
    problems = []
    steps = page.loading.get("timed_out_steps") or []
    if steps:
        problems.append(
            problem(
                f"页面长时间无响应，检查步骤超时（{'、'.join(steps)}），已中止；"
                "访问者打开此页时页面可能卡死",
                region="page",
                review=True,
                steps=steps,
            )
        )
    return problems + _navigation_problems(page)


def _navigation_problems(page: Artifacts) -> list[Problem]:
    chain = page.self_navigation
    if not chain:
        return []
    start = urlsplit(page.url).hostname or ""
    route = " → ".join(chain[:5]) + (" …" if len(chain) > 5 else "")
    if not page.navigation_settled:
        return [
            problem(
                f"页面打开后不断自动跳转（{route}），无法稳定显示，本页其他检查无法完成",
                region="page",
                review=True,
                chain=chain,
            )
        ]
    # A jump to a non-government host is the hijack sign that cloaking judges (veto); here only
    # jumps to another government or platform site, which are a nuisance, not an attack.
    away = [
        u
        for u in chain
        if (urlsplit(u).hostname or "") != start and not sent_away_from_government(u, start)
    ]
    if away:
        return [
            problem(
                f"页面打开后自动跳转至其他网站：{away[-1]}（跳转经过：{route}）",
                region="page",
                review=True,
                chain=chain,
            )
        ]
    return []


@check(
    id="domain-name",
    name="域名规范",
    indicator="功能设计/域名名称",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=2,
        verified=False,
        basis="国办发〔2017〕47号 域名规则；国办秘函〔2019〕19号 扣分指标/域名名称；分值 2（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="国办发〔2017〕47号：政府网站要使用以.gov.cn为后缀的英文域名",
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
