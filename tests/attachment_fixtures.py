"""The seeded personal-data attachments under ``tests/fixtures/attachments/`` and what they hold.

Run ``python tests/attachment_fixtures.py`` to write them again (LibreOffice's ``soffice`` turns
the Word file into a PDF with Chinese text; ``xlwt`` writes the binary ``.xls``); the tests
read the committed files. Every number is made up; the valid ones pass their checksums, the
near misses fail one rule each.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

DIR = Path(__file__).resolve().parent / "fixtures" / "attachments"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body: str) -> str:
    """17 digits + the GB 11643-1999 check character."""
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def card_number(body: str) -> str:
    """``body`` + the Luhn check digit."""
    for last in "0123456789":
        digits = body + last
        total = sum(
            (int(c) * 2 - 9 if int(c) > 4 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def wrong_last(value: str) -> str:
    last = value[-1]
    return value[:-1] + ("0" if last in "X9" else str(int(last) + 1))


ID_A = id_number("11010519900307123")
ID_B = id_number("44030619851120456")
ID_C = id_number("32010219780615001")
ID_D = id_number("51010420000229312")  # born on a leap day
ID_E = id_number("33010619691001002")
BAD_CHECK = wrong_last(id_number("37020219880512345"))
BAD_CHECK_2 = wrong_last(id_number("42010619770718246"))
BAD_DATE = id_number("11010519901332123")  # month 13
BAD_LEAP = id_number("11010519990229123")  # 1999 had no 29 February
PHONE_A, PHONE_B, PHONE_C = "13812345678", "15987654321", "18611112222"
PHONE_D, PHONE_E, PHONE_F = "13566667777", "17788889999", "19912345678"
PHONE_NO_NAME = "13700001111"
PHONE_CONTACT = "13912340000"
CARD_A = card_number("622202123456789012")  # 19 digits
CARD_B = card_number("621700123456789")  # 16 digits
BAD_CARD = wrong_last(CARD_B)

# Every full number seeded anywhere: none may appear in what the auditor saves.
SEEDED = (
    ID_A, ID_B, ID_C, ID_D, ID_E, BAD_CHECK, BAD_CHECK_2, BAD_DATE, BAD_LEAP,
    PHONE_A, PHONE_B, PHONE_C, PHONE_D, PHONE_E, PHONE_F, PHONE_NO_NAME, PHONE_CONTACT,
    CARD_A, CARD_B, BAD_CARD,
)  # fmt: skip

# file -> (link text on the page, counts the check must report; None = no finding, or the
# status of a file that cannot be read)
EXPECTED: dict[str, tuple[str, dict[str, int] | str | None]] = {
    "subsidy.xlsx": ("2026年补贴名单.xlsx", {"id": 2, "phone": 2, "card": 1}),
    "notice.docx": ("公示公告", {"id": 1, "phone": 1}),
    "list.pdf": ("公示名单.pdf", {"id": 1, "phone": 1}),
    "people.xls": ("人员名单.xls", {"id": 1}),
    "export.xls": ("导出名单.xls", {"phone": 1}),
    "accounts.csv": ("账户信息.csv", {"card": 1}),
    "readme.txt": ("说明.txt", {"phone": 1}),
    "guide.docx": ("办事指南.docx", None),
    "encrypted.pdf": ("加密文件.pdf", "encrypted"),
    "broken.pdf": ("损坏文件.pdf", "unreadable"),
    "protected.docx": ("受保护文件.docx", "encrypted"),
    "old.doc": ("旧版文件.doc", "unreadable"),
    "scan.pdf": ("扫描件.pdf", "no-text"),
}


def _docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> None:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    doc.save(str(path))


def _soffice(source: Path, to: str, out_dir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", to, "--outdir", str(out_dir), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    return out_dir / f"{source.stem}.{to}"


def _ole(*names: str) -> bytes:
    """An OLE compound file's header and directory names: enough to be told apart, not opened."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b"".join(n.encode("utf-16-le").ljust(128, b"\x00") for n in ("Root Entry", *names))
    return head + entries + b"\x00" * 512


def main() -> None:
    import xlwt
    from openpyxl import Workbook
    from pypdf import PdfWriter

    DIR.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["2026年度补贴发放名单（见第2张表）"])
    sheet = book.create_sheet("名单")
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "开户银行", "银行卡号"])
    sheet.append([1, "张伟", ID_A, PHONE_A, "中国农业银行", CARD_A])
    sheet.append([2, "李娜", BAD_CHECK, "138****5678", "中国银行", BAD_CARD])
    sheet.append([3, "王芳", "110105********1234", int(PHONE_B), "中国银行", "6222********1234"])
    sheet.append([4, "刘洋", ID_B, "", "", ""])
    book.save(DIR / "subsidy.xlsx")

    _docx(
        DIR / "notice.docx",
        [
            "关于2026年度补贴发放的公示",
            f"联系人：赵敏，联系电话：{PHONE_CONTACT}",
            f"经审核，陈杰（身份证号：{ID_C}）符合条件。",
            "文件编号12345678901234567，不是身份证号。",
            f"另一人（身份证号：{BAD_DATE}）的出生日期不存在。",
        ],
        [["姓名", "手机号码"], ["周强", PHONE_C]],
    )
    _docx(DIR / "guide.docx", ["办事指南", f"请拨打{PHONE_NO_NAME}咨询。", "地址：示例市人民路1号"])

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _docx(
            work / "list.docx",
            [
                "公示名单",
                f"孙丽 {ID_D} {PHONE_D}",
                f"吴刚 {BAD_CHECK_2}",
                f"钱多 {BAD_LEAP}",
                f"办事指南：请拨打{PHONE_NO_NAME}咨询",
            ],
        )
        (DIR / "list.pdf").write_bytes(_soffice(work / "list.docx", "pdf", work).read_bytes())
    people = xlwt.Workbook(encoding="utf-8")
    rows = people.add_sheet("名单")
    for r, row in enumerate([["姓名", "身份证号码", "手机"], ["郑浩", ID_E, ""]]):
        for c, value in enumerate(row):
            rows.write(r, c, value)
    people.save(str(DIR / "people.xls"))

    (DIR / "export.xls").write_bytes(
        (
            '<html><head><meta charset="gbk"></head><body><table>'
            f"<tr><th>姓名</th><th>手机</th></tr><tr><td>冯雪</td><td>{PHONE_E}</td></tr>"
            "</table></body></html>"
        ).encode("gbk")
    )
    (DIR / "accounts.csv").write_bytes(
        f"姓名,银行账号\r\n何静,{CARD_B}\r\n陈晨,{BAD_CARD}\r\n".encode("gbk")
    )
    (DIR / "readme.txt").write_text(
        f"韩梅 {PHONE_F}\n咨询电话：{PHONE_CONTACT}\n{PHONE_NO_NAME}\n", encoding="utf-8"
    )

    writer = PdfWriter(clone_from=DIR / "list.pdf")
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with (DIR / "encrypted.pdf").open("wb") as f:
        writer.write(f)
    (DIR / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\n%%EO")
    blank = PdfWriter()
    blank.add_blank_page(595, 842)
    with (DIR / "scan.pdf").open("wb") as f:
        blank.write(f)
    (DIR / "protected.docx").write_bytes(_ole("EncryptionInfo", "EncryptedPackage"))
    (DIR / "old.doc").write_bytes(_ole("WordDocument", "1Table"))


if __name__ == "__main__":
    sys.exit(main())
