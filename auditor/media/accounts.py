"""Read the 政务新媒体 accounts list an office keeps (CSV or XLSX).

Columns: 账号名称, 平台, 主办单位, 地区, 账号地址 (English aliases accepted; extra columns are
kept). A bad row is reported by its row number and skipped; the other accounts still run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.run.sites import normalize_url, validate_url
from auditor.run.table import column_index, numbered, read_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "url": ("账号地址", "账号网址", "主页地址", "链接", "url", "URL"),
    "name": ("账号名称", "名称", "name"),
    "platform": ("平台", "平台名称", "platform"),
    "sponsor": ("主办单位", "sponsor"),
    "region": ("地区", "所属地区", "地区/部门", "region"),
}


class AccountsFileError(ValueError):
    """The file as a whole cannot be used (missing, unreadable, no 账号地址 column)."""


@dataclass(frozen=True)
class Account:
    url: str
    name: str = ""
    platform: str = ""  # as the list writes it (微博, 新浪微博, …)
    sponsor: str = ""
    region: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    row: int = 0


@dataclass
class AccountsList:
    accounts: list[Account] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one message per bad row


def read_accounts(path: Path) -> AccountsList:
    return parse_rows(read_rows(path, AccountsFileError, "新媒体账号清单"), source=path.name)


def parse_rows(rows: list[list[str]], source: str = "清单") -> AccountsList:
    """Rows → accounts; the header row names the columns."""
    lines = numbered(rows)
    if not lines:
        raise AccountsFileError(f"{source} 是空的")
    header = [h.strip() for h in lines[0][1]]
    index = column_index(header, COLUMNS)
    if "url" not in index:
        raise AccountsFileError(
            f"{source} 缺少“账号地址”列（表头为：{'、'.join(header)}；"
            "应含 账号名称、平台、主办单位、地区、账号地址）"
        )
    known = set(index.values())
    result = AccountsList()
    seen: dict[str, int] = {}
    for n, row in lines[1:]:
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))

        def get(key: str, cells: list[str] = cells) -> str:
            return cells[index[key]] if key in index else ""

        url = normalize_url(get("url"))
        why = "账号地址为空" if not url else validate_url(url)
        if why:
            result.errors.append(f"{source} 第{n}行：{why.replace('网址', '账号地址')}，已跳过")
            continue
        if url in seen:
            result.errors.append(f"{source} 第{n}行：账号地址与第{seen[url]}行相同，已跳过")
            continue
        seen[url] = n
        extra = {header[i]: c for i, c in enumerate(cells[: len(header)]) if i not in known and c}
        result.accounts.append(
            Account(
                url=url,
                name=get("name"),
                platform=get("platform"),
                sponsor=get("sponsor"),
                region=get("region"),
                extra=extra,
                row=n,
            )
        )
    return result
