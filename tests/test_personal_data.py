"""个人信息泄露 (personal-data): the number rules, masking, and the check on hand-made artifacts."""

from __future__ import annotations

import json

import pytest
from attachment_fixtures import (
    BAD_CARD,
    BAD_CHECK,
    BAD_DATE,
    BAD_LEAP,
    CARD_A,
    CARD_B,
    ID_A,
    ID_D,
    PHONE_A,
    PHONE_B,
    PHONE_NO_NAME,
    card_number,
    id_number,
)

from auditor.artifacts import Artifacts, Link, TextBlock
from auditor.checks.base import run_check
from auditor.checks.privacy import personal_data
from auditor.extract.personal import id_number_ok, luhn_ok, mask, mask_text, scan_text
from auditor.model import Outcome, Rect, SiteSpec

URL = "https://www.example.gov.cn/col/gs/art_1.html"
SITE = SiteSpec(url="https://www.example.gov.cn/")
BOX = Rect(100.0, 400.0, 600.0, 20.0)


def counts(text: str) -> dict[str, int]:
    return scan_text(text, this_year=2026).tally.counts


# -- the rules ---------------------------------------------------------------------------------


def test_an_id_number_needs_its_check_digit_a_province_and_a_real_birth_date():
    assert id_number_ok(ID_A) and id_number_ok(ID_D)  # ID_D: born 29 February 2000
    assert id_number_ok(id_number("11010519491231002"))  # check character X
    assert not id_number_ok(BAD_CHECK)
    assert not id_number_ok(BAD_DATE)  # month 13
    assert not id_number_ok(BAD_LEAP)  # 29 February 1999
    assert not id_number_ok(id_number("99010519900307123"))  # no province 99
    assert not id_number_ok(id_number("11010520300307123"), this_year=2026)  # born in 2030


def test_luhn_accepts_card_numbers_and_refuses_a_changed_digit():
    assert luhn_ok(CARD_A) and luhn_ok(CARD_B) and luhn_ok("4111111111111111")
    assert not luhn_ok(BAD_CARD) and not luhn_ok("4111111111111112")
    assert card_number("411111111111111") == "4111111111111111"


def test_masks_keep_only_the_agreed_digits():
    assert mask("id", "110105199003071234") == "110105********1234"
    assert mask("phone", "13812345678") == "138****5678"
    assert mask("card", "6222021234567890123") == "6222***********0123"
    assert mask("card", "6222 0212 3456 7890") == "6222********7890"


def test_mask_text_leaves_no_full_number_in_a_caption():
    text = f'<td>张伟</td><td>{ID_A}</td><td>{PHONE_A}</td><td title="{CARD_A}">卡</td>'
    masked = mask_text(text)
    assert ID_A not in masked and PHONE_A not in masked and CARD_A not in masked
    assert mask("id", ID_A) in masked and "138****5678" in masked


# -- what counts -------------------------------------------------------------------------------


def test_an_id_number_counts_wherever_it_is_published():
    assert counts(f"经审核，陈杰（身份证号：{ID_A}）符合条件。") == {"id": 1}


@pytest.mark.parametrize(
    "text",
    [
        f"身份证号：{BAD_CHECK}",  # wrong check digit
        f"身份证号：{BAD_DATE}",  # impossible birth date
        "文件编号12345678901234567",  # 17-digit run
        f"编号{ID_A}9",  # inside a longer run (19 digits, no bank word)
        "身份证号：110105********1234，手机：138****5678",  # already masked
        f"请拨打{PHONE_NO_NAME}咨询",  # a phone with no name
        f"订单号{PHONE_A}0012",  # a phone inside a longer digit run
        f"联系人：张伟，联系电话：{PHONE_A}",  # a published work contact
        f"示例市林业局 {PHONE_A}",  # an office, not a person
        f"王先生 {PHONE_A}",  # a title, not a full name
        f"卡号：{BAD_CARD}",  # fails Luhn
        f"流水号 {CARD_B}",  # passes Luhn, but nothing says it is a card
    ],
)
def test_near_misses_are_not_findings(text):
    assert counts(text) == {}


def test_a_phone_next_to_a_name_counts_once_however_often_it_is_repeated():
    assert counts(f"张伟 {PHONE_A}\n张伟（{PHONE_A}）\n欧阳明月 +86 {PHONE_B}") == {"phone": 2}


def test_a_phone_in_a_table_with_a_name_column_counts_without_a_name_in_its_row():
    text = f"序号\t姓名\t手机\n1\t（未填）\t{PHONE_A}\n"
    assert counts(text) == {"phone": 1}
    assert counts(f"序号\t单位\t手机\n1\t（未填）\t{PHONE_A}\n") == {}


def test_a_card_needs_a_bank_word_in_its_line_or_its_table_header():
    assert counts(f"开户行：农业银行 卡号：{CARD_A}") == {"card": 1}
    assert counts(
        "户名\t银行账号\n何静\t" + " ".join(CARD_B[i : i + 4] for i in (0, 4, 8, 12))
    ) == {"card": 1}


def test_locations_and_examples_are_masked():
    tally = scan_text(f"标题\n张伟\t{ID_A}\t{PHONE_A}", this_year=2026).tally
    assert tally.examples == {"id": [mask("id", ID_A)], "phone": ["138****5678"]}
    assert tally.locations[0] == {"kind": "id", "where": "第2行", "masked": mask("id", ID_A)}
    assert ID_A not in json.dumps(tally.to_dict()) and PHONE_A not in json.dumps(tally.to_dict())


# -- the check ---------------------------------------------------------------------------------


def page(body: str = "", **kw) -> Artifacts:
    kw.setdefault("attachments", {"items": [], "unchecked": 0})
    return Artifacts(
        url=URL, final_url=URL, status=200, title="公示", body_text=body, as_of="2026-11-27", **kw
    )


def findings(art: Artifacts):
    return [f for f in run_check(personal_data, art, SITE) if f.outcome is not Outcome.PASS]


def test_a_page_without_personal_data_passes():
    art = page(f"办事指南\n请拨打{PHONE_NO_NAME}咨询\n联系人：张伟，联系电话：{PHONE_A}")
    assert [f.outcome for f in run_check(personal_data, art, SITE)] == [Outcome.PASS]


def test_page_text_is_one_review_finding_pointing_at_the_element_that_holds_a_number():
    row = {"text": f"张伟 {ID_A}", "selector": "ul.list > li:nth-child(2)", "rect": BOX.__dict__}
    art = page(f"公示名单\n张伟 {ID_A}\n李娜 {PHONE_B}\n", list_items=[row])
    (f,) = findings(art)
    assert f.outcome is Outcome.REVIEW and f.role.value == "veto"
    assert f.message == (
        f"页面正文公开了1个未去标识化的身份证号码（如{mask('id', ID_A)}）、"
        "1个与姓名一同出现的手机号码（如159****4321），请人工确认是否泄露个人信息"
    )
    assert f.selector == "ul.list > li:nth-child(2)" and f.rect == BOX and f.region == ""
    assert f.data["counts"] == {"id": 1, "phone": 1} and f.data["kind"] == "page-text"


def test_page_text_with_no_element_holding_the_number_is_shown_as_the_page():
    heading = TextBlock(text="公示名单", selector="h1", rect=BOX, snippet="<h1>公示名单</h1>")
    (f,) = findings(page(f"公示名单\n身份证号：{ID_A}", headings=[heading]))
    assert f.region == "page" and f.selector == ""


def test_a_snippet_holding_a_number_is_masked():
    block = TextBlock(text=f"张伟 {ID_A}", selector="p", rect=BOX, snippet=f"<p>张伟 {ID_A}</p>")
    (f,) = findings(page(f"张伟 {ID_A}", info_blocks=[block]))
    assert f.snippet == f"<p>张伟 {mask('id', ID_A)}</p>"


def attachment(**item) -> dict:
    return {"url": "https://www.example.gov.cn/files/a.xlsx", "href": LINK.href, **item}


LINK = Link(
    href="https://www.example.gov.cn/files/a.xlsx",
    text="2026年补贴名单.xlsx",
    selector='a[href="/files/a.xlsx"]',
    rect=BOX,
)


def test_an_attachment_finding_names_the_file_and_where_and_points_at_its_link():
    item = attachment(
        name="2026年补贴名单.xlsx",
        status="scanned",
        format="xlsx",
        counts={"id": 3},
        examples={"id": ["110105********1234"]},
        locations=[{"kind": "id", "where": "第2张表第5行", "masked": "110105********1234"}],
    )
    (f,) = findings(page(links=[LINK], attachments={"items": [item], "unchecked": 0}))
    assert f.outcome is Outcome.REVIEW
    assert f.message == (
        "附件《2026年补贴名单.xlsx》第2张表第5行等处公开了3个未去标识化的身份证号码"
        "（如110105********1234），请人工确认是否泄露个人信息"
    )
    assert f.selector == LINK.selector and f.rect == BOX
    assert f.data["url"] == item["url"] and f.data["counts"] == {"id": 3}


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("too-large", "附件过大，未检查"),
        ("encrypted", "附件已加密，无法检查"),
        ("unreadable", "附件已损坏或格式有误，无法读取"),
        ("no-text", "附件没有可读取的文字（可能为扫描件），未能检查"),
        ("failed", "附件下载失败，未检查"),
    ],
)
def test_an_attachment_that_could_not_be_read_is_review_never_a_pass(status, reason):
    item = attachment(name="名单.pdf", status=status, reason=reason)
    (f,) = findings(page(links=[LINK], attachments={"items": [item], "unchecked": 0}))
    assert f.outcome is Outcome.REVIEW
    assert f.message == f"附件《名单.pdf》{reason[2:]}，请人工确认其中是否公开了个人信息"


@pytest.mark.parametrize("status", ["unavailable", "not-attachment", "not-fetched"])
def test_an_attachment_that_publishes_nothing_is_no_finding(status):
    item = attachment(name="x.pdf", status=status)
    assert findings(page(attachments={"items": [item], "unchecked": 0})) == []


def test_attachments_beyond_the_caps_are_left_for_review():
    (f,) = findings(page(attachments={"items": [], "unchecked": 4}))
    assert f.outcome is Outcome.REVIEW and f.message.startswith("页面另有4个附件超出")


def test_a_failed_attachments_gatherer_makes_the_check_an_error():
    art = page(f"张伟 {ID_A}", attachments=None)
    art.errors["attachments"] = "附件检查：超过时限未完成"
    (f,) = run_check(personal_data, art, SITE)
    assert f.outcome is Outcome.ERROR and "附件检查" in f.message
