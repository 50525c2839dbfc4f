"""Personal information in published text: resident ID numbers, mobile numbers with names, bank cards.

Government pages and their attachments must not publish personal information without
de-identification (国办发〔2017〕47号 信息发布; 《个人信息保护法》; a leak is a candidate for the
国办秘函〔2019〕19号 单项否决 安全、泄密事故等严重问题). This module finds such numbers in lines of
text or table rows, with no I/O, and keeps only what may be published about them: the kind, a
masked form, a count and where each was seen. The full numbers never leave a :class:`Scanner`.

What counts, so that a finding is worth a person's time:

- a mainland resident ID number: 18 characters, GB 11643-1999 check digit valid, a province code
  and a birth date that exists (1900 up to the current year);
- a mobile number ``1[3-9]`` + 9 digits, not inside a longer digit run, only next to a personal
  name (a 2–4 character name starting with a common surname, in the same line or row) or in a
  table whose header has a 姓名 column; a 联系人/咨询电话 line is a published work contact;
- a bank card number of 16–19 digits passing the Luhn check, with 银行/卡号/账号/开户 in its line
  or in its table's header.

Already masked values (``110105********1234``, ``138****5678``) are not matched at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

__all__ = [
    "KINDS",
    "Scanner",
    "id_number_ok",
    "luhn_ok",
    "mask",
    "mask_text",
    "scan_text",
]

ID: Final = "id"
PHONE: Final = "phone"
CARD: Final = "card"
KINDS: Final = (ID, PHONE, CARD)
NAMES: Final = {ID: "身份证号码", PHONE: "手机号码", CARD: "银行卡号"}

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"
# Province codes of GB/T 2260 (the first two digits of a resident ID number).
_PROVINCES: Final = frozenset(
    str(code)
    for code in (
        *(11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46),
        *(50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83),
    )
)
_ID_RE: Final = re.compile(r"(?<![0-9A-Za-z*])\d{17}[\dXx](?![0-9A-Za-z*])")
_PHONE_RE: Final = re.compile(r"(?:(?<=\+86)|(?<=\+86[- ])|(?<![0-9A-Za-z*]))1[3-9]\d{9}(?![\d*])")
# Cards as printed: one run of digits, or groups of four separated by single spaces or dashes.
_CARD_RE: Final = re.compile(
    r"(?<![0-9A-Za-z*])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z*])"
)
_CARD_WORDS: Final = ("银行", "卡号", "账号", "开户", "帐号", "账户", "帐户")
_NAME_HEADERS: Final = ("姓名", "名字", "户主", "申请人", "领取人", "收款人", "户名")
# A line that names a published work contact (联系人：张伟 电话：138…) is not a private list.
_CONTACT_WORDS: Final = (
    "联系人", "联系电话", "咨询电话", "咨询热线", "监督电话", "举报电话", "投诉电话", "服务热线",
    "办公电话", "值班电话", "联系方式", "负责人",
)  # fmt: skip
_NAME_GAP: Final = 40  # characters between a name and a mobile number in a line of running text
# Common single-character surnames (《百家姓》 and census frequency), and compound ones.
_SURNAMES: Final = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES: Final = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容")
# Han words ending so are places, offices or titles, not people (林业局, 高新区, 王先生).
_NOT_NAME_ENDS: Final = (
    "局", "区", "县", "市", "镇", "乡", "村", "委", "办", "所", "站", "队", "院", "厂", "科",
    "处", "室", "部", "组", "路", "街", "省", "馆", "校", "社", "行", "司", "中心", "先生",
    "女士", "老师", "同志", "经理", "主任", "书记", "局长", "科长", "电话", "手机", "号码",
)  # fmt: skip
_HAN_RUN: Final = re.compile(r"[\u4e00-\u9fff]+")
_MAX_EXAMPLES: Final = 3
_MAX_LOCATIONS: Final = 20


# -- the rules -------------------------------------------------------------------------------------


def id_number_ok(value: str, *, this_year: int | None = None) -> bool:
    """A real-looking resident ID number (GB 11643-1999): province, birth date, check digit."""
    if len(value) != 18 or not value[:17].isdigit() or value[:2] not in _PROVINCES:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17].upper():
        return False
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not 1900 <= year <= (this_year or date.today().year):
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def luhn_ok(digits: str) -> bool:
    """The Luhn (ISO/IEC 7812) check that every bank card number passes."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask(kind: str, value: str) -> str:
    """The de-identified form: ID 6 + * + 4, phone 3 + **** + 4, card 4 + * + 4."""
    digits = re.sub(r"[ -]", "", value)
    if kind == PHONE:
        return f"{digits[:3]}****{digits[-4:]}"
    keep = 6 if kind == ID else 4
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def mask_text(text: str) -> str:
    """``text`` with every ID-, card- or mobile-like number masked (for snippets and captions)."""
    text = _ID_RE.sub(lambda m: mask(ID, m.group()), text)
    text = _CARD_RE.sub(lambda m: mask(CARD, m.group()), text)
    return _PHONE_RE.sub(lambda m: mask(PHONE, m.group()), text)


def _is_name(token: str) -> bool:
    """A 2–4 character Han word that reads as a person's full name."""
    if not 2 <= len(token) <= 4 or token.endswith(_NOT_NAME_ENDS):
        return False
    return token[0] in _SURNAMES or (len(token) >= 3 and token.startswith(_COMPOUND_SURNAMES))


def _names_near(line: str, start: int, end: int) -> bool:
    """A personal name within ``_NAME_GAP`` characters of ``line[start:end]``."""
    for m in _HAN_RUN.finditer(line):
        gap = start - m.end() if m.end() <= start else m.start() - end
        if 0 <= gap <= _NAME_GAP and _is_name(m.group()):
            return True
    return False


# -- scanning --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What was found in one document: counts, masked examples and locations, per kind."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    locations: list[dict[str, str]] = field(default_factory=list)  # {kind, where, masked}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "examples": self.examples, "locations": self.locations}


@dataclass
class _Table:
    named: bool = False  # a 姓名 column in its header
    cards: bool = False  # 卡号/账号/银行 in its header


class Scanner:
    """Feed it lines or table rows in document order; it keeps only masked results.

    Each distinct number counts once per document. The full values are kept only in memory, to
    tell repeats apart and to let a page's check find the element holding one (:meth:`holds`).
    """

    def __init__(self, *, this_year: int | None = None) -> None:
        self.tally = Tally()
        self._seen: dict[str, str] = {}  # full value -> kind (in memory only, never saved)
        self._tables: dict[str, _Table] = {}
        self._year = this_year

    def feed(self, cells: Sequence[object], where: str, table: str = "") -> None:
        """One line (one cell) or table row (``table`` names its table, for its header).

        Cells may be spreadsheet values: a number cell 13812345678.0 reads as 13812345678.
        """
        texts = [_cell_text(c) for c in cells]
        line = "\t".join(c for c in texts if c)
        if not line.strip():
            return
        head = self._tables.setdefault(table, _Table()) if table else _Table()
        if table:  # a header row says what the columns below it hold
            head.named = head.named or any(h in c for c in texts for h in _NAME_HEADERS)
            head.cards = head.cards or any(w in line for w in _CARD_WORDS)
        taken: list[tuple[int, int]] = []
        for m in _ID_RE.finditer(line):
            if id_number_ok(m.group(), this_year=self._year):
                self._found(ID, m.group(), where)
                taken.append(m.span())
        card_context = head.cards or any(w in line for w in _CARD_WORDS)
        for m in _CARD_RE.finditer(line):
            digits = re.sub(r"[ -]", "", m.group())
            if _overlaps(m.span(), taken) or not 16 <= len(digits) <= 19:
                continue
            if card_context and luhn_ok(digits):
                self._found(CARD, digits, where)
                taken.append(m.span())
        contact = any(w in line for w in _CONTACT_WORDS)
        row_named = bool(table) and (head.named or any(_is_name(c) for c in texts))
        for m in _PHONE_RE.finditer(line):
            if _overlaps(m.span(), taken) or contact:
                continue
            if row_named or _names_near(line, *m.span()):
                self._found(PHONE, m.group(), where)

    def _found(self, kind: str, value: str, where: str) -> None:
        if value.upper() in self._seen:
            return
        self._seen[value.upper()] = kind
        masked = mask(kind, value)
        t = self.tally
        t.counts[kind] = t.counts.get(kind, 0) + 1
        examples = t.examples.setdefault(kind, [])
        if len(examples) < _MAX_EXAMPLES:
            examples.append(masked)
        if len(t.locations) < _MAX_LOCATIONS:
            t.locations.append({"kind": kind, "where": where, "masked": masked})

    def holds(self, text: str) -> bool:
        """Whether ``text`` contains one of the numbers found (spaces and dashes ignored)."""
        flat = re.sub(r"[\s-]", "", text).upper()
        return any(value in flat for value in self._seen)


def scan_text(text: str, *, this_year: int | None = None, where: str = "") -> Scanner:
    """A page's visible text: lines, and tab-separated rows of tables (as ``innerText`` gives)."""
    scanner = Scanner(this_year=this_year)
    tables = 0
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        cells = line.split("\t")
        if len(cells) > 1:
            tables += not in_table
            in_table = True
            scanner.feed(cells, where or f"第{number}行", table=f"t{tables}")
        else:
            in_table = False
            scanner.feed(cells, where or f"第{number}行")
    return scanner


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as people read it: 13812345678.0 (a float cell) is 13812345678."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
