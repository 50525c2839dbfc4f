"""Reading an attachment's text, line by line and row by row, with where each line is.

Government pages publish lists (补贴名单, 公示名单) as PDF, Word, Excel, CSV or text files; the
personal-data rule (国办发〔2017〕47号 信息发布) applies to them as to the page. The format is told
by the file's first bytes, not its name (an ``.xls`` is often an HTML table, a ``.doc`` a DOCX).
A file that cannot be read (encrypted, broken, an old binary Word/WPS file, a scan without text)
is said so in words, never taken as clean. Parsing is CPU work: callers run it in a thread.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Final

from auditor.errors import describe
from auditor.extract.links import decode_body
from auditor.extract.personal import Scanner

__all__ = ["Reading", "read_document"]

MAX_PDF_PAGES: Final = 300
MAX_ROWS: Final = 50_000  # rows over all sheets and tables of one file
MAX_TEXT_LINES: Final = 100_000
_OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP: Final = b"PK\x03\x04"

# statuses of a reading
SCANNED: Final = "scanned"
ENCRYPTED: Final = "encrypted"
UNREADABLE: Final = "unreadable"
NO_TEXT: Final = "no-text"


@dataclass
class Reading:
    """How a file was read: its format, whether it was, and why not (Chinese)."""

    format: str
    status: str = SCANNED
    reason: str = ""  # why it was not read, for people
    detail: str = ""  # the library's own words (JSON data only)
    truncated: bool = False  # pages or rows beyond the caps were not read

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.detail:
            out["detail"] = self.detail
        if self.truncated:
            out["truncated"] = True
        return out


class _Unreadable(Exception):  # noqa: N818 - an outcome, carried to the Reading
    def __init__(self, status: str, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.status, self.reason, self.detail = status, reason, detail


def read_document(data: bytes, ext: str, content_type: str, scanner: Scanner) -> Reading:
    """Feed every line of the file into ``scanner``; never raises."""
    fmt = sniff(data, ext)
    reading = Reading(fmt)
    try:
        reader = _READERS.get(fmt)
        if reader is None:
            raise _Unreadable(UNREADABLE, _OLD_FORMATS.get(fmt, "附件格式无法识别，未能读取"))
        reading.truncated = reader(data, content_type, scanner)
    except _Unreadable as why:
        reading.status, reading.reason, reading.detail = why.status, why.reason, why.detail
    except Exception as exc:  # a broken file of any kind: said, never a pass
        reading.status, reading.reason = UNREADABLE, "附件已损坏或格式有误，无法读取"
        reading.detail = describe(exc)
    return reading


def sniff(data: bytes, ext: str) -> str:
    """The real format: pdf, docx, xlsx, xls, ole-encrypted, doc, wps, html, csv, txt, zip, binary,
    broken."""
    head = data[:8]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_ZIP):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if head == _OLE:
        if "EncryptionInfo".encode("utf-16-le") in data:
            return "ole-encrypted"  # a password-protected DOCX/XLSX is an OLE file
        if ext in ("xls", "et") or "Workbook".encode("utf-16-le") in data:
            return "xls"
        return "wps" if ext == "wps" else "doc"
    if b"\x00" in data[:4096]:
        return "binary"
    start = data[:4096].lstrip().lower()
    if start.startswith((b"<!doctype", b"<html", b"<table", b"<?xml", b"<meta")) or (
        b"<table" in start or b"<tr" in start
    ):
        return "html"
    if ext not in _TEXT_EXTENSIONS or not _decodes(data):
        return "broken"  # a .pdf or .docx that is neither: damaged, or not what it says
    return "csv" if ext == "csv" else "txt"


_TEXT_EXTENSIONS: Final = ("csv", "txt", "xls", "et", "")


def _decodes(data: bytes) -> bool:
    for charset in ("utf-8", "gb18030"):
        try:
            data.decode(charset)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _pdf(data: bytes, _ct: str, scanner: Scanner) -> bool:
    from pypdf import PdfReader

    # pypdf warns about every malformed object on stderr; a broken file is said in the reading.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:  # an owner password alone still lets anyone read it: so do we
            opened = reader.decrypt("")
        except Exception as exc:  # an algorithm we cannot open is as closed as a password
            raise _Unreadable(ENCRYPTED, "附件已加密，无法检查", describe(exc)) from None
        if not opened:
            raise _Unreadable(ENCRYPTED, "附件已加密，无法检查")
    pages = reader.pages
    seen_text = False
    for number, page in enumerate(pages, 1):
        if number > MAX_PDF_PAGES:
            return True
        text = page.extract_text() or ""
        seen_text = seen_text or bool(text.strip())
        for line in text.splitlines():
            scanner.feed([line], f"第{number}页")
    if not seen_text:
        raise _Unreadable(NO_TEXT, "附件没有可读取的文字（可能为扫描件），未能检查")
    return False


def _docx(data: bytes, _ct: str, scanner: Scanner) -> bool:
    from docx import Document

    doc = Document(io.BytesIO(data))
    for number, para in enumerate(doc.paragraphs, 1):
        scanner.feed([para.text], f"第{number}段")
    rows = 0
    for t, table in enumerate(doc.tables, 1):
        for r, row in enumerate(table.rows, 1):
            rows += 1
            if rows > MAX_ROWS:
                return True
            cells = list(dict.fromkeys(c.text for c in row.cells))  # merged cells repeat
            scanner.feed(cells, f"第{t}个表格第{r}行", table=f"t{t}")
    return False


def _xlsx(data: bytes, _ct: str, scanner: Scanner) -> bool:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = 0
        for s, sheet in enumerate(book.worksheets, 1):
            for r, row in enumerate(sheet.iter_rows(values_only=True), 1):
                rows += 1
                if rows > MAX_ROWS:
                    return True
                scanner.feed(list(row), f"第{s}张表第{r}行", table=f"s{s}")
    finally:
        book.close()
    return False


def _xls(data: bytes, _ct: str, scanner: Scanner) -> bool:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _Unreadable(ENCRYPTED, "附件已加密，无法检查", describe(exc)) from None
        raise
    rows = 0
    for s in range(book.nsheets):
        sheet = book.sheet_by_index(s)
        for r in range(sheet.nrows):
            rows += 1
            if rows > MAX_ROWS:
                return True
            scanner.feed(sheet.row_values(r), f"第{s + 1}张表第{r + 1}行", f"s{s}")
    return False


_ROW_END = re.compile(r"</tr\s*>|<br\s*/?>|</p\s*>|</div\s*>|</h\d\s*>|</li\s*>", re.I)
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_TABLE_END = re.compile(r"</table\s*>", re.I)
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _html(data: bytes, content_type: str, scanner: Scanner) -> bool:
    """An HTML file (often an ``.xls`` export): table rows as rows, other blocks as lines."""
    page = _DROP.sub(" ", decode_body(data, content_type))
    page = _TABLE_END.sub("\n\f\n", _CELL_END.sub("\t", _ROW_END.sub("\n", page)))
    text = html.unescape(_TAG.sub("", page))
    tables, number = 0, 0
    in_table = False
    for line in text.splitlines():
        if line.strip() == "\f":
            in_table = False
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not any(cells):
            continue
        number += 1
        if len(cells) > 1:
            tables += not in_table
            in_table = True
            scanner.feed(cells, f"第{number}行", table=f"t{tables}")
        else:
            scanner.feed(cells, f"第{number}行")
        if number > MAX_TEXT_LINES:
            return True
    return False


def _csv(data: bytes, content_type: str, scanner: Scanner) -> bool:
    text = decode_body(data, content_type).lstrip("\ufeff")
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if number > MAX_ROWS:
            return True
        scanner.feed(row, f"第{number}行", table="csv")
    return False


def _txt(data: bytes, content_type: str, scanner: Scanner) -> bool:
    text = decode_body(data, content_type).lstrip("\ufeff")
    for number, line in enumerate(text.splitlines(), 1):
        if number > MAX_TEXT_LINES:
            return True
        cells = line.split("\t")
        scanner.feed(cells, f"第{number}行", table="txt" if len(cells) > 1 else "")
    return False


def _encrypted(_data: bytes, _ct: str, _scanner: Scanner) -> bool:
    raise _Unreadable(ENCRYPTED, "附件已加密，无法检查")


_READERS = {
    "pdf": _pdf,
    "docx": _docx,
    "xlsx": _xlsx,
    "xls": _xls,
    "html": _html,
    "csv": _csv,
    "txt": _txt,
    "ole-encrypted": _encrypted,
}
_OLD_FORMATS = {
    "doc": "附件为旧版Word格式（.doc），无法自动读取，未能检查",
    "wps": "附件为WPS文字格式，无法自动读取，未能检查",
    "zip": "附件为压缩包或无法识别的格式，未能检查",
    "binary": "附件格式无法识别，未能读取",
    "broken": "附件已损坏或格式有误，无法读取",
}
