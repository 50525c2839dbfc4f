"""Reading attachments for personal data: each seeded fixture gives exactly its counts, or says
why it could not be read (never a crash, never a silent pass)."""

from __future__ import annotations

import pytest
from attachment_fixtures import DIR, EXPECTED, ID_A, SEEDED

from auditor.extract.personal import Scanner
from auditor.gather.documents import read_document, sniff


def read(name: str, content_type: str = ""):
    scanner = Scanner(this_year=2026)
    data = (DIR / name).read_bytes()
    reading = read_document(data, name.rsplit(".", 1)[-1], content_type, scanner)
    return reading, scanner.tally


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_exactly_its_seeded_findings(name):
    reading, tally = read(name)
    expected = EXPECTED[name][1]
    if isinstance(expected, str):
        assert reading.status == expected and reading.reason, reading
        assert tally.counts == {}
    else:
        assert reading.status == "scanned", reading
        assert tally.counts == (expected or {})


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("subsidy.xlsx", "xlsx"),
        ("notice.docx", "docx"),
        ("list.pdf", "pdf"),
        ("people.xls", "xls"),
        ("export.xls", "html"),
        ("accounts.csv", "csv"),
        ("readme.txt", "txt"),
        ("protected.docx", "ole-encrypted"),
        ("old.doc", "doc"),
    ],
)
def test_the_format_is_told_by_the_first_bytes_not_the_name(name, fmt):
    assert sniff((DIR / name).read_bytes(), name.rsplit(".", 1)[-1]) == fmt


def test_locations_name_the_page_the_sheet_and_row_the_table_and_row():
    assert read("subsidy.xlsx")[1].locations[0]["where"] == "第2张表第2行"
    assert read("list.pdf")[1].locations[0]["where"] == "第1页"
    assert {loc["where"] for loc in read("notice.docx")[1].locations} == {"第3段", "第1个表格第2行"}
    assert read("people.xls")[1].locations[0]["where"] == "第1张表第2行"


def test_a_number_cell_of_a_workbook_reads_as_the_phone_number_it_holds():
    """王芳's phone is a number cell (15987654321 as a float): still a phone next to a name."""
    assert read("subsidy.xlsx")[1].examples["phone"] == ["138****5678", "159****4321"]


def test_a_reading_keeps_no_full_number():
    for name in EXPECTED:
        reading, tally = read(name)
        saved = repr(reading.to_dict()) + repr(tally.to_dict())
        assert not [n for n in SEEDED if n in saved], name


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02binary",
        b"PK\x03\x04not a zip",
        b"%PDF-1.7\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1",
    ],
)
def test_garbage_is_unreadable_not_a_crash(data):
    reading = read_document(data, "pdf", "", Scanner())
    assert reading.status in ("unreadable", "no-text", "scanned")
    assert reading.status != "scanned" or data == b""


def test_a_gbk_text_file_is_read_as_text():
    scanner = Scanner(this_year=2026)
    reading = read_document(f"张伟 {ID_A}\n".encode("gbk"), "txt", "text/plain", scanner)
    assert reading.status == "scanned" and scanner.tally.counts == {"id": 1}
