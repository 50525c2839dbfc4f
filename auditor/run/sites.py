"""Read a supervisor's sites list (CSV or XLSX) with the national reporting system's columns.

Columns: 网站名称, 网站标识码, 首页网址, 主办单位, 地区 (English aliases accepted; extra columns are
kept). A bad row is reported by its row number and skipped; the other sites still run.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from auditor.errors import first_line
from auditor.model import SiteSpec
from auditor.run.table import column_index, numbered, read_rows

COLUMNS: dict[str, tuple[str, ...]] = {
    "url": ("首页网址", "网址", "网站地址", "首页地址", "url", "URL", "home_url"),
    "name": ("网站名称", "name", "site_name"),
    "code": ("网站标识码", "标识码", "code", "site_code"),
    "sponsor": ("主办单位", "sponsor"),
    "region": ("地区", "所属地区", "地区/部门", "region"),
}


class SitesFileError(ValueError):
    """The file as a whole cannot be used (missing, unreadable, no URL column)."""


@dataclass
class SitesList:
    sites: list[SiteSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one message per bad row


def normalize_url(raw: str) -> str:
    """The canonical form of a home-page address, so equal addresses compare equal.

    Adds ``http://`` when the scheme is missing (lists often hold bare host names), lower-cases
    scheme and host, drops a default port and an empty path becomes ``/``. Returns the input
    stripped when it cannot be parsed (``validate_url`` then says why).
    """
    url = raw.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port is None or port == default else f"{host}:{port}"
    if parts.username or parts.password:
        return url  # credentials in a sites list: left as given, validate_url rejects them
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def site_key(url: str) -> str:
    """What makes two listed addresses the same site: the normalised URL without a final ``/``."""
    normal = normalize_url(url)
    return normal[:-1] if normal.endswith("/") else normal


_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")  # "_" occurs in real hosts


def validate_url(url: str) -> str | None:
    """Why ``url`` cannot be audited, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        return f"网址无法解析（{first_line(exc)}）：{url!r}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"网址须以 http:// 或 https:// 开头：{url!r}"
    if parts.username or parts.password:
        return f"网址中不应包含用户名或密码：{url!r}"
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in url):
        return f"网址缺少有效的主机名：{url!r}"
    if _is_ip(host) or host == "localhost":
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"网址的主机名“{host}”不是有效的域名：{url!r}"
    labels = ascii_host.lower().split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return f"网址的主机名“{host}”不是有效的域名：{url!r}"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def read_sites(path: Path) -> SitesList:
    rows = read_rows(path, SitesFileError, "网站清单")
    return parse_rows(rows, source=path.name)


def parse_rows(rows: list[list[str]], source: str = "清单") -> SitesList:
    """Rows → sites; the header row names the columns."""
    lines = numbered(rows)
    if not lines:
        raise SitesFileError(f"{source} 是空的")
    header = [h.strip() for h in lines[0][1]]
    index = column_index(header, COLUMNS)
    if "url" not in index:
        raise SitesFileError(
            f"{source} 缺少“首页网址”列（表头为：{'、'.join(header)}；应含 网站名称、网站标识码、首页网址、主办单位、地区）"
        )
    known = set(index.values())
    result = SitesList()
    seen: dict[str, int] = {}  # site key -> first row
    for n, row in lines[1:]:
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))

        def get(key: str, cells: list[str] = cells) -> str:
            return cells[index[key]] if key in index else ""

        url = normalize_url(get("url"))
        why = "首页网址为空" if not url else validate_url(url)
        if why:
            result.errors.append(f"{source} 第{n}行：{why}，已跳过")
            continue
        key = site_key(url)
        if key in seen:
            result.errors.append(
                f"{source} 第{n}行：首页网址 {get('url')} 与第{seen[key]}行是同一网站，已跳过"
            )
            continue
        seen[key] = n
        extra = {header[i]: c for i, c in enumerate(cells[: len(header)]) if i not in known and c}
        result.sites.append(
            SiteSpec(
                url=url,
                name=get("name"),
                code=get("code"),
                sponsor=get("sponsor"),
                region=get("region"),
                extra=extra,
                row=n,
            )
        )
    return result
