"""The check registry is the one home of each check's facts.

Ids are stable and kebab-case; every check names its indicator, role, rule and default points in
its ``@check``; what lists checks elsewhere (the README table, the spec suite, the scoring table)
is derived from the registry or checked against it here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.checks import ALL_CHECKS, CHECKS_BY_ID, SITE_CHECKS
from auditor.gather import GATHERERS, owner_of
from auditor.model import Role

ROOT = Path(__file__).resolve().parents[1]
KEBAB = re.compile(r"^[a-z]+(-[a-z]+)*$")
IDS = [c.id for c in ALL_CHECKS]
EVERY = [*ALL_CHECKS, *SITE_CHECKS]
README_ROW = re.compile(r"^\| `([a-z-]+)`(?: \(site\))? \| .* \| (veto|deduct|info) \|$", re.M)
# A rule cites a national document a government office can look up, by number or by name.
NATIONAL_DOC = re.compile(
    r"国办发〔\d{4}〕\d+号|国办秘函〔\d{4}〕\d+号|国办函〔\d{4}〕\d+号|国办公开办函〔\d{4}〕\d+号"
    r"|GB/T \d+|[\u4e00-\u9fff]+管理办法|党政机关网站标识|适老化通用设计规范|网页设计规范"
)
# ...and never a file outside the package, its sections, source labels (S2, R15, N6) or tags.
PRIVATE_CITATION = re.compile(r"standards\.md|§|(?<![A-Za-z0-9])[SRN]\d{1,2}(?!\d)|\[[VMD]\]")


def cites_national_rule(text: str) -> bool:
    return bool(NATIONAL_DOC.search(text)) and not PRIVATE_CITATION.search(text)


def test_check_ids_are_unique():
    all_ids = [c.id for c in EVERY]
    assert len(all_ids) == len(set(all_ids))
    assert set(CHECKS_BY_ID) == set(all_ids)


@pytest.mark.parametrize("chk", EVERY, ids=lambda c: c.id)
def test_check_id_is_a_kebab_case_noun(chk):
    assert KEBAB.match(chk.id)
    assert not chk.id.startswith("no-")


@pytest.mark.parametrize("chk", EVERY, ids=lambda c: c.id)
def test_every_check_states_its_facts(chk):
    assert chk.name.strip() and not chk.name.isascii(), "a short Chinese name"
    assert chk.indicator.strip() and "/" in chk.indicator
    assert isinstance(chk.role, Role)
    assert cites_national_rule(chk.rule), chk.rule
    assert chk.scoring.basis.strip() and not PRIVATE_CITATION.search(chk.scoring.basis)
    assert chk.fn.__doc__ and chk.title != chk.id
    if chk.role is Role.VETO:
        assert chk.indicator.startswith("单项否决/"), chk.indicator


@pytest.mark.parametrize(
    ("rule", "cites"),
    [
        ("国办秘函〔2019〕19号：空白栏目数量超过(含)5个即单项否决", True),
        ("《非经营性互联网信息服务备案管理办法》第13条：主页底部标明备案编号", True),
        ("GB/T 37668-2019（条款号未核实）", True),
        ("底部功能区须列明网站主办单位", False),
        ("页面链接须可访问 — standards.md §7.3 A10", False),
        ("国办秘函〔2019〕19号：首页无信息更新即单项否决 — standards.md §3.2", False),
        ("S2：监测2周，首页无信息更新即单项否决", False),
        ("国办发〔2017〕47号 网站应适配移动终端 [M]", False),
        ("国办秘函〔2019〕19号 可用性（厂商算法，R15）", False),
    ],
)
def test_the_citation_test_is_honest(rule, cites):
    assert cites_national_rule(rule) is cites


@pytest.mark.parametrize("chk", ALL_CHECKS, ids=IDS)
def test_every_field_a_check_reads_has_a_gatherer(chk):
    for name in chk.requires:
        assert owner_of(name) in GATHERERS


def test_a_check_reading_a_field_no_gatherer_fills_is_refused_at_import():
    from auditor.checks.base import Scoring, check

    with pytest.raises(ValueError, match="no gatherer fills"):
        check(
            id="x-check",
            name="某项",
            indicator="功能设计/某项",
            role=Role.INFO,
            scoring=Scoring(basis="测试"),
            severity=ALL_CHECKS[0].severity,
            rule="国办发〔2017〕47号",
            requires=("meta",),  # the field is "metas"
        )(lambda page, site: [])


def test_the_readme_table_lists_every_check_with_its_role():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {cid: Role(role) for cid, role in README_ROW.findall(text)}
    assert rows == {c.id: c.role for c in EVERY}


def test_every_page_check_group_has_a_spec_module():
    specs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "specs").glob("test_*.py"))
    named = set(re.findall(r'"([a-z_]+)"', " ".join(re.findall(r"checks_in\(([^)]*)\)", specs))))
    assert {c.group for c in ALL_CHECKS} <= named
    for chk in SITE_CHECKS:
        assert f'"{chk.id}"' in specs, chk.id


def test_public_surface_is_pinned() -> None:
    import auditor

    assert sorted(auditor.__all__) == sorted(
        [
            "ALL_CHECKS", "CHECKS_BY_ID", "Artifacts", "AuditOptions", "Check", "Finding",
            "Outcome", "PageResult", "PageType", "Rect", "Role", "RunResult", "Severity",
            "SiteResult", "SiteSpec", "__version__", "audit",
        ]
    )  # fmt: skip
    for name in auditor.__all__:
        assert hasattr(auditor, name), name
