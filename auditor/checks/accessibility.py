"""无障碍、适老化与手机适配: three checks over the optional gatherers' plain data
(国办公开办函〔2021〕28号 适老化与无障碍改造; GB/T 37668-2019; 《互联网网站适老化通用设计规范》).

- ``accessibility`` reads ``Artifacts.axe`` (axe-core, WCAG 2.0 A/AA rules, Chinese help texts):
  one finding per violating node; axe's ``incomplete`` results are ``review``. Each finding names
  the GB/T 37668-2019 topic its WCAG criterion maps to (``data/gbt37668.toml``), and says that the
  clause number is unverified, because the standard's text was not obtained.
- ``elderly-mode`` (home page) reads the page's links/scripts and ``Artifacts.elderly``: an entry must
  exist; the elderly page must read larger, carry no ads or pop-ups and give a CAPTCHA a
  non-visual alternative.
- ``mobile-layout`` reads ``Artifacts.mobile`` (the phone render): viewport meta, no horizontal
  overflow, main text ≥ 12 px.

Findings about the elderly page or the phone render carry ``data["evidence_source"]`` =
``"elderly"`` / ``"mobile"``: their rects are in that render's screenshot (the phone one at device
scale ``data["device_scale_factor"]``), not in the desktop page's.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, Scoring, check
from auditor.extract.entries import FONT_GAIN_PX, find_elderly_entry
from auditor.model import Outcome, PageType, Rect, Role, Severity, SiteSpec

__all__ = ["accessibility", "elderly_mode", "gbt37668_for", "mobile_layout"]

MIN_FONT_PX = 12.0
UNMAPPED = "未建立对应关系"

_IMPACT_ZH = {"critical": "严重", "serious": "较重", "moderate": "中等", "minor": "轻微"}
# Rules about the whole document: their node is <html>, so evidence is the top of the page.
_WHOLE_PAGE_TARGETS = {"html", "head", "body"}


# -- GB/T 37668-2019 mapping ----------------------------------------------------------------------


@cache
def _gbt() -> dict[str, Any]:
    text = resources.files("auditor.data").joinpath("gbt37668.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def gbt37668_for(tags: list[str]) -> list[dict[str, Any]]:
    """The GB/T 37668 topics of an axe rule's WCAG tags (empty if none is mapped)."""
    table = _gbt()["tags"]
    return [{"tag": t, **table[t]} for t in tags if t in table]


def _gbt_text(mapping: list[dict[str, Any]]) -> str:
    if not mapping:
        return f"GB/T 37668-2019：{UNMAPPED}"
    topics = "、".join(f"{m['principle']}·{m['topic']}（WCAG 2.0 {m['wcag']}）" for m in mapping)
    verified = all(m.get("verified") and m.get("clause") for m in mapping)
    return f"对应 GB/T 37668-2019 {topics}" + ("" if verified else "，条款号未核实")


# -- accessibility ---------------------------------------------------------------------------------


@check(
    id="accessibility",
    name="无障碍",
    indicator="功能设计/适老化与无障碍",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="GB/T 37668-2019；国办公开办函〔2021〕28号（未核实）；分值 1（未核实）",
    ),
    severity=Severity.MODERATE,
    rule=(
        "GB/T 37668-2019《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（按 WCAG 2.0 A/AA，"
        "axe-core 规则；条款号未核实）；国办公开办函〔2021〕28号"
    ),
    requires=("axe",),
)
def accessibility(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """网页须满足无障碍要求：图片替代文本、文字对比度、表单标签、网页标题与语言等。"""
    result = page.axe
    if result is None:
        raise NotApplicable("本页未运行 axe 无障碍检测")
    problems: list[Problem] = []
    for rule in result.get("violations", []):
        problems += _rule_problems(rule, review=False)
    for rule in result.get("incomplete", []):
        problems += _rule_problems(rule, review=True)
    return problems


def _rule_problems(rule: dict[str, Any], *, review: bool) -> list[Problem]:
    mapping = gbt37668_for(list(rule.get("tags", [])))
    where = _gbt_text(mapping)
    total = int(rule.get("nodes_total", len(rule.get("nodes", []))))
    cut = int(rule.get("nodes_cut", 0))
    out: list[Problem] = []
    for i, node in enumerate(rule.get("nodes", [])):
        impact = node.get("impact") or rule.get("impact") or ""
        found = _first_reason(node.get("failureSummary", ""))
        label = f"axe 规则 {rule['id']}，影响程度：{_IMPACT_ZH.get(impact, impact or '未知')}"
        if review:
            message = f"需人工复核：{rule['help']}（axe 无法自动判定：{found}；{label}；{where}）"
        else:
            message = f"{rule['help']}：{found}（{label}；{where}）"
        if i == 0 and cut:
            message += f"。本页共 {total} 处，仅列出前 {total - cut} 处"
        target = str(node.get("target", ""))
        whole_page = target in _WHOLE_PAGE_TARGETS
        out.append(
            Problem(
                message=message,
                outcome=Outcome.REVIEW if review else Outcome.FAIL,
                selector=target,
                snippet=str(node.get("html", "")),
                rect=None if whole_page else Rect.from_dict(node.get("rect")),
                region="page" if whole_page else "",
                data={
                    "rule": rule["id"],
                    "impact": impact,
                    "help": rule["help"],
                    "help_url": rule.get("helpUrl", ""),
                    "tags": list(rule.get("tags", [])),
                    "gbt37668": mapping or UNMAPPED,
                    "expected": rule["help"],
                    "found": node.get("failureSummary", ""),
                    "nodes_total": total,
                    "nodes_cut": cut,
                },
            )
        )
    return out


def _first_reason(summary: str) -> str:
    """axe's failure summary lists alternatives ("修复以下任一问题：" + items); keep the first item."""
    lines = [ln.strip() for ln in summary.splitlines() if ln.strip()]
    items = [ln for ln in lines if not ln.endswith(("：", ":"))]
    return items[0] if items else (lines[0] if lines else "未通过")


# -- elderly-mode ----------------------------------------------------------------------------------


@check(
    id="elderly-mode",
    name="适老化",
    indicator="功能设计/适老化与无障碍",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=1,
        verified=False,
        basis="《互联网网站适老化通用设计规范》；国办公开办函〔2021〕28号（未核实）；分值 1（未核实）",
    ),
    severity=Severity.MODERATE,
    rule=(
        "国办公开办函〔2021〕28号；工信部《互联网网站适老化通用设计规范》：提供适老化入口，"
        "适老化网页严禁广告及弹窗，非文本验证码须提供视觉以外的验证方式"
    ),
    requires=("links", "scripts", "elderly"),
    page_types=(PageType.HOME,),
)
def elderly_mode(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """首页须提供长者版/关怀版/无障碍入口；长者版页面字号更大、无广告和弹窗、验证码有语音等替代方式。"""
    entry = find_elderly_entry(page)
    if entry is None:
        return [
            Problem(
                "首页未找到适老化/无障碍入口（应有“长者版”“关怀版”“无障碍”等链接或按钮，"
                "或加载无障碍辅助工具条脚本，如 govwza.cn aria.js）",
                region="header",
                data={"expected": "长者版/关怀版/无障碍入口", "found": ""},
            )
        ]
    at = Rect.from_dict(entry.get("rect"))
    entry_data = {"entry": entry}
    probe = page.elderly
    if probe is None:
        if entry["kind"] != "link":
            return []  # a toolbar (script or toggle) is the entry; there is no page to open
        return [
            Problem(
                f"找到适老化入口“{entry['text']}”，但未打开其页面检查字号、广告与验证码",
                outcome=Outcome.REVIEW,
                selector=entry["selector"],
                rect=at,
                region="header",
                data=entry_data,
            )
        ]
    if probe.get("load_failed"):
        return [
            Problem(
                f"适老化入口“{entry['text']}”指向的页面无法打开：{probe.get('error', '')}",
                selector=entry["selector"],
                rect=at,
                region="header",
                data={**entry_data, "expected": "可打开的长者版页面", "found": probe.get("error")},
            )
        ]
    return _elderly_page_problems(probe, entry_data)


def _elderly_page_problems(probe: dict[str, Any], entry_data: dict[str, Any]) -> list[Problem]:
    src = {"evidence_source": "elderly", "elderly_url": probe.get("final_url") or probe["url"]}
    problems: list[Problem] = []
    font, normal = float(probe.get("font_px") or 0), float(probe.get("normal_font_px") or 0)
    if probe.get("larger") is None:
        problems.append(
            Problem(
                f"无法比较长者版与普通版的正文字号（长者版 {font:g} px，普通版 {normal:g} px；"
                "0 表示页面上未找到可测量的正文），请人工确认长者版是否提供大字显示",
                outcome=Outcome.REVIEW,
                region="page",
                data={**src, **entry_data, "expected": f"> {normal:g} px", "found": f"{font:g} px"},
            )
        )
    elif not probe["larger"]:
        sample = probe.get("main_sample") or {}
        problems.append(
            Problem(
                f"长者版页面正文字号 {font:g} px，未大于普通版的 {normal:g} px"
                f"（应至少大 {FONT_GAIN_PX:g} px，提供大字显示）",
                selector=str(sample.get("selector", "")),
                rect=Rect.from_dict(sample.get("rect")),
                region="page",
                data={**src, **entry_data, "expected": f"> {normal:g} px", "found": f"{font:g} px"},
            )
        )
    for ad in probe.get("ad_iframes", []):
        problems.append(
            Problem(
                f"长者版页面含广告（{ad.get('reason', '')}：{ad.get('src', '')[:80]}），"
                "适老化网页严禁出现广告内容及插件",
                selector=str(ad.get("selector", "")),
                snippet=str(ad.get("snippet", "")),
                rect=Rect.from_dict(ad.get("rect")),
                data={**src, "expected": "无广告", "found": ad.get("src", "")},
            )
        )
    kinds = {
        "floating": "漂浮移动的浮层（漂浮广告）",
        "late-overlay": "页面加载后弹出的浮层",
        "overlay": "遮挡页面的固定浮层",
        "window.open": "自动打开的新窗口",
        "dialog": "自动弹出的对话框",
    }
    for pop in probe.get("popups", []):
        what = kinds.get(pop.get("kind", ""), "弹窗")
        text = pop.get("text") or pop.get("url") or ""
        problems.append(
            Problem(
                f"长者版页面出现{what}“{str(text)[:40]}”，适老化网页不得随机出现广告或弹窗",
                selector=str(pop.get("selector", "")),
                snippet=str(pop.get("snippet", "")),
                rect=Rect.from_dict(pop.get("rect")),
                region="page",
                data={**src, "kind": pop.get("kind"), "expected": "无弹窗", "found": text},
            )
        )
    captcha = probe.get("captcha") or {}
    if captcha.get("present") and not captcha.get("has_alternative"):
        problems.append(
            Problem(
                "长者版页面的验证码只有图形方式，未提供语音等视觉以外的验证方式",
                selector=str(captcha.get("selector", "")),
                rect=Rect.from_dict(captcha.get("rect")),
                data={**src, "expected": "语音验证码等非视觉替代", "found": captcha.get("kind")},
            )
        )
    return problems


# -- mobile-layout ---------------------------------------------------------------------------------


@check(
    id="mobile-layout",
    name="移动端适配",
    indicator="功能设计/移动版",
    role=Role.INFO,
    scoring=Scoring(verified=True, basis="国办发〔2017〕47号 移动版（未核实）；参考项，不计分"),
    severity=Severity.MINOR,
    rule=(
        "国办发〔2017〕47号 网站应适配移动终端（未核实）；工信部《互联网网站适老化通用设计规范》"
        "（移动端字号、缩放）"
    ),
    requires=("mobile",),
)
def mobile_layout(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """手机（375 px 宽）浏览时：须声明 viewport，页面无横向溢出，正文文字不小于 12 px。"""
    m = page.mobile
    if m is None:
        raise NotApplicable("本页未在手机视口渲染")
    status = m.get("status")
    if isinstance(status, int) and status >= 400:
        return [  # sites that send phones to a separate m. site: that site is broken
            Problem(
                f"手机浏览器访问返回 HTTP {status}（{m.get('final_url') or m.get('url', '')}）",
                region="page",
                data={"evidence_source": "mobile", "expected": "HTTP 200", "found": status},
            )
        ]
    vw = int(m.get("viewport_width") or 375)
    layout = int(m.get("layout_width") or vw)
    font = float(m.get("main_font_px") or 0)
    src = {
        "evidence_source": "mobile",
        "device_scale_factor": m.get("device_scale_factor", 2),
        "screenshot": m.get("screenshot", ""),
    }
    problems: list[Problem] = []
    meta = m.get("viewport_meta")
    if meta is None or layout > vw:
        seen = f"{font * vw / layout:.1f}" if font and layout else "?"
        why = "页面未声明 viewport" if meta is None else f"viewport 声明为“{meta}”"
        problems.append(
            Problem(
                f"{why}（应为 width=device-width, initial-scale=1）：手机按 {layout} px 宽排版后"
                f"缩小到 {vw} px 显示，正文 {font:g} px 的文字实际只有约 {seen} px",
                region="page",
                data={
                    **src,
                    "expected": '<meta name="viewport" content="width=device-width, initial-scale=1">',
                    "found": meta,
                },
            )
        )
    # One finding per kind: a fixed-width template makes every container overflow on every page,
    # and five findings for one cause bury the rest of the report.
    overflow = list(m.get("overflow", []))
    if overflow:
        widest = overflow[0]
        total = int(m.get("overflow_total", len(overflow)))
        doc_w = int(m.get("document_width") or 0)
        right = float(widest.get("right") or 0)
        problems.append(
            Problem(
                f"手机屏幕（{layout} px 宽）出现横向滚动：页面总宽 {doc_w} px，超出 "
                f"{doc_w - layout} px；最宽的元素宽 {float(widest.get('width') or 0):.0f} px，"
                f"右边缘在 {right:.0f} px"
                + (f"（共 {total} 个元素超出屏幕）" if total > 1 else ""),
                selector=str(widest.get("selector", "")),
                snippet=str(widest.get("snippet", "")),
                rect=Rect.from_dict(widest.get("rect")),
                data={
                    **src,
                    "expected": f"≤ {layout} px",
                    "found": f"{doc_w} px",
                    "elements": [o.get("selector", "") for o in overflow],
                },
            )
        )
    small = list(m.get("small_text", []))
    if small or (font and font < MIN_FONT_PX):
        total = int(m.get("small_text_total", len(small)))
        first = small[0] if small else {}
        px = float(first.get("font_px") or font)
        where = f"“{first.get('text', '')}”为 {px:g} px" if first else ""
        problems.append(
            Problem(
                f"手机上正文有 {total} 处文字小于 {MIN_FONT_PX:g} px（{where}"
                f"{'；' if where else ''}正文字号中位数 {font:g} px）",
                selector=str(first.get("selector", "")),
                rect=Rect.from_dict(first.get("rect")),
                region="" if first.get("rect") else "page",
                data={
                    **src,
                    "expected": f"≥ {MIN_FONT_PX:g} px",
                    "found": f"{px:g} px",
                    "elements": [x.get("selector", "") for x in small],
                },
            )
        )
    return problems
