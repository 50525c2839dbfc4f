"""The run as JUnit XML, so CI servers can show and trend it like any test suite.

One ``<testsuite>`` per site, one ``<testcase>`` per (page, check) named ``{check} @ {page url}``.
fail → ``<failure>``, error → ``<error>``, review, accepted and not_applicable → ``<skipped>``
(review says “需人工复核”, accepted — a baseline's or an ignore's — says “已接受” with the reason), pass → a plain testcase. Evidence paths go into the testcase ``<properties>``, as
pytest's ``record_property`` does, so CI plugins can attach them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from auditor.model import Finding, Outcome, PageResult, RunResult, SiteResult
from auditor.report.json_report import atomic_write_text

__all__ = ["write_junit"]

# a check with findings of several outcomes on one page reports the worst of them
_PRECEDENCE = (
    Outcome.FAIL,
    Outcome.ERROR,
    Outcome.REVIEW,
    Outcome.ACCEPTED,
    Outcome.NOT_APPLICABLE,
    Outcome.PASS,
)
_LABEL = {
    Outcome.FAIL: "不通过",
    Outcome.ERROR: "错误",
    Outcome.REVIEW: "需人工复核",
    Outcome.ACCEPTED: "已接受",
    Outcome.NOT_APPLICABLE: "不适用",
    Outcome.PASS: "通过",
}
# characters XML 1.0 forbids; page text can contain them and ElementTree would write them anyway
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write_junit(run: RunResult, path: Path) -> None:
    """Write the run as a JUnit XML file (atomically)."""
    root = ET.Element("testsuites", name="auditor")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for site in run.sites:
        suite = _suite(site, run)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    atomic_write_text(Path(path), '<?xml version="1.0" encoding="utf-8"?>\n' + xml + "\n")


def _suite(site: SiteResult, run: RunResult) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(site.site.label), timestamp=_clean(run.started))
    props = ET.SubElement(suite, "properties")
    props_of: tuple[tuple[str, str], ...] = (
        ("url", site.site.url),
        ("code", site.site.code),
        ("as_of", run.as_of),
    )
    for name, value in props_of:
        if value:
            ET.SubElement(props, "property", name=name, value=_clean(value))
    counts = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for case in _cases(site):
        suite.append(case)
        counts["tests"] += 1
        if case.find("failure") is not None:
            counts["failures"] += 1
        elif case.find("error") is not None:
            counts["errors"] += 1
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
    for key, count in counts.items():
        suite.set(key, str(count))
    return suite


def _cases(site: SiteResult) -> Iterator[ET.Element]:
    if site.error:
        case = _case("site", f"site @ {site.site.url}")
        _outcome(case, "error", site.error, site.error)
        yield case
    for page in site.pages:
        if page.error:
            case = _case("page-load", f"page-load @ {page.url}")
            _outcome(case, "error", page.error, page.error)
            yield case
        for check, findings in _by_check(page).items():
            yield _finding_case(check, page, findings)


def _by_check(page: PageResult) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in page.findings:
        grouped.setdefault(f.check, []).append(f)
    return grouped


def _finding_case(check: str, page: PageResult, findings: list[Finding]) -> ET.Element:
    case = _case(check, f"{check} @ {page.url}")
    first = findings[0]
    props = ET.SubElement(case, "properties")
    for name, value in (
        ("indicator", first.indicator),
        ("severity", first.severity),
        ("role", first.role),
        ("page_type", page.page_type),
    ):
        ET.SubElement(props, "property", name=name, value=_clean(str(value)))
    for f in findings:
        if f.evidence:
            ET.SubElement(props, "property", name="evidence", value=_clean(f.evidence))

    worst = min((f.outcome for f in findings), key=_PRECEDENCE.index)
    if worst is Outcome.PASS:
        return case
    shown = [f for f in findings if f.outcome is not Outcome.PASS]
    summary = "；".join(f.message for f in shown if f.outcome is worst and f.message)
    body = "\n".join(_describe(f) for f in shown)
    if worst is Outcome.FAIL:
        _outcome(case, "failure", summary or "不通过", body, type=f"{first.role}/{first.severity}")
    elif worst is Outcome.ERROR:
        _outcome(case, "error", summary or "检查出错", body)
    elif worst is Outcome.ACCEPTED:
        _outcome(
            case, "skipped", f"已接受: {summary}" if summary else "已接受", body, type="accepted"
        )
    else:
        label = "需人工复核" if worst is Outcome.REVIEW else "不适用"
        _outcome(case, "skipped", f"{label}: {summary}" if summary else label, body)
    return case


def _case(classname: str, name: str) -> ET.Element:
    return ET.Element("testcase", classname=_clean(classname), name=_clean(name))


def _outcome(case: ET.Element, tag: str, message: str, text: str, **attrs: str) -> None:
    el = ET.SubElement(case, tag, {"message": _clean(message), **attrs})
    el.text = _clean(text)


def _describe(f: Finding) -> str:
    """One finding as plain text lines for the failure body."""
    lines = [f"[{_LABEL[f.outcome]}] {f.message}"]
    accepted = f.data.get("accepted") if f.outcome is Outcome.ACCEPTED else None
    if accepted:
        why = accepted.get("reason") or "基线"
        lines.append(f"  接受: {why}（原结果 {accepted.get('outcome', '')}，不计入门禁）")
    if f.selector:
        lines.append(f"  元素: {f.selector}")
    if f.snippet:
        lines.append(f"  代码: {f.snippet}")
    if f.evidence:
        lines.append(f"  证据: {f.evidence}")
    if f.rule:
        lines.append(f"  依据: {f.rule}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)
