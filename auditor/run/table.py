"""Read a list an office keeps in CSV (UTF-8 or GBK) or Excel into rows and named columns.

Shared by the sites list and the 政务新媒体 accounts list: one reader, one header rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path


def read_rows(path: Path, error: type[Exception], what: str = "清单") -> list[list[str]]:
    """The file's rows as text cells; ``error`` (with a Chinese message) when it cannot be used."""
    if not path.exists():
        raise error(f"{what}文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, error)
    if suffix in (".csv", ".txt", ""):
        return _csv_rows(path, error)
    raise error(f"不支持的清单格式 {suffix}（支持 .csv 和 .xlsx）")


def _csv_rows(path: Path, error: type[Exception]) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise error(f"{path.name} 既不是 UTF-8 也不是 GBK 编码")
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(path: Path, error: type[Exception]) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).active
    except Exception as exc:
        raise error(f"无法读取 Excel 文件 {path.name}：{exc}") from exc
    if sheet is None:
        raise error(f"{path.name} 没有工作表")
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def numbered(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their 1-based row number in the file (bad rows are named by it)."""
    return [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]


def column_index(header: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Each known column's position, found by any of its aliases in the header row."""
    index: dict[str, int] = {}
    for key, aliases in columns.items():
        for i, h in enumerate(header):
            if h in aliases:
                index[key] = i
                break
    return index
