"""The gate's checked-in configuration: ``auditor.toml`` or ``[tool.auditor]`` in ``pyproject.toml``.

A webmaster keeps the sites, the date, the skips, the budgets and the accepted findings in one
file next to the site's code, as pa11y-ci and Lighthouse CI do; the CLI and the pytest plugin read
the same file and a command-line option always wins over it. Every key is checked against the
schema below, so a misspelt key is an error naming the key and its line, never silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from auditor.model import SiteSpec

__all__ = [
    "CONFIG_NAME",
    "Config",
    "ConfigError",
    "Ignore",
    "SiteEntry",
    "find_config",
    "load_config",
]

CONFIG_NAME = "auditor.toml"
FAIL_ON = ("minor", "moderate", "serious", "critical", "none")
# Link-check limits the link gatherer already takes as parameters (auditor.gather.links).
LINK_LIMITS = {"retries": (0, 5), "max_redirects": (0, 20), "per_host": (1, 2)}


class ConfigError(ValueError):
    """A configuration file that cannot be used: one Chinese line naming the file (and line)."""


@dataclass(frozen=True)
class SiteEntry:
    url: str
    name: str = ""
    code: str = ""
    region: str = ""
    sponsor: str = ""
    column_pattern: str = ""
    article_pattern: str = ""


@dataclass(frozen=True)
class Ignore:
    """One accepted finding, silenced inline with the reason it was accepted."""

    check: str
    page: str
    reason: str


@dataclass(frozen=True)
class CheckOptions:
    """``[checks.*]``: the options the code takes as parameters."""

    link_limits: dict[str, int] = field(default_factory=dict)  # [checks.link-health]
    column_windows: dict[str, int] = field(default_factory=dict)  # [checks.column-freshness]


@dataclass(frozen=True)
class Config:
    """What the file says; an absent key is None / empty, so the command's own default applies."""

    path: Path | None = None
    sites: tuple[SiteEntry, ...] = ()
    as_of: date | None = None
    fail_on: str | None = None
    max_pages: int | None = None
    skip: tuple[str, ...] = ()
    column_pattern: str = ""
    article_pattern: str = ""
    scoring: Path | None = None
    wording: tuple[Path, ...] = ()
    notice: dict[str, str] = field(default_factory=dict)
    budgets: dict[str, int] = field(default_factory=dict)  # check id -> findings allowed
    checks: CheckOptions = field(default_factory=lambda: CheckOptions())
    resolve: tuple[tuple[str, str], ...] = ()  # (host, ip)
    baseline: Path | None = None
    ignore: tuple[Ignore, ...] = ()

    @property
    def link_limits(self) -> dict[str, int]:
        return self.checks.link_limits

    @property
    def column_windows(self) -> dict[str, int]:
        return self.checks.column_windows

    def site_specs(self) -> list[SiteSpec]:
        """The sites to audit, their page-type patterns where the engine looks for them."""
        return [
            SiteSpec(
                url=e.url,
                name=e.name,
                code=e.code,
                sponsor=e.sponsor,
                region=e.region,
                extra={
                    k: v
                    for k, v in (
                        ("column_pattern", e.column_pattern),
                        ("article_pattern", e.article_pattern),
                    )
                    if v
                },
            )
            for e in self.sites
        ]


def find_config(start: Path | None = None) -> Path | None:
    """``auditor.toml``, or a ``pyproject.toml`` with ``[tool.auditor]``, from ``start`` upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / CONFIG_NAME
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and _has_tool_section(project):
            return project
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "auditor" in data["tool"]


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """The named file, else the one found from ``start`` upward, else an empty config."""
    if path is None:
        path = find_config(start)
        if path is None:
            return Config()
    elif not path.is_file():
        raise ConfigError(f"找不到配置文件：{path}")
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{exc}") from exc
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("auditor", {})
        prefix = ("tool", "auditor")
    return _Parser(path.resolve(), text, prefix).parse(data)


class _Parser:
    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.prefix = prefix

    # -- errors ----------------------------------------------------------------------------

    def fail(self, where: tuple[str, ...], why: str) -> ConfigError:
        line = self.line_of(where)
        at = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"配置文件 {at}：{'.'.join(where)} {why}")

    def line_of(self, where: tuple[str, ...]) -> int:
        """The line of a key (tomllib gives no positions): scan after its table's header.

        For the n-th entry of an array of tables (``[[sites]]``) the n-th header is the start.
        """
        key = where[-1]
        path = [*self.prefix, *where[:-1]]
        parents = [p for p in path if not p.isdigit()]
        nth = int(path[-1]) if path and path[-1].isdigit() else 0
        start = 0
        for depth in range(len(parents), 0, -1):
            header = re.compile(
                r"^\s*\[\[?\s*" + r"\s*\.\s*".join(map(_key_re, parents[:depth])) + r"\s*\]"
            )
            found = [i for i, t in enumerate(self.lines) if header.match(t)]
            if found:
                start = found[min(nth, len(found) - 1)] if depth == len(parents) else found[0]
                break
        named = re.compile(r"(^|[\s{,.\[])" + _key_re(key) + r"\s*(=|\.|\])")
        for i in range(start, len(self.lines)):
            if named.search(self.lines[i].split("#", 1)[0]):
                return i + 1
        return 0

    def keys(self, table: Any, where: tuple[str, ...], allowed: set[str]) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise self.fail(where, "应为表（table）")
        for key in table:
            if key not in allowed:
                known = "、".join(sorted(allowed))
                raise self.fail((*where, key), f"是不认识的配置项（可用：{known}）")
        return table

    # -- values ----------------------------------------------------------------------------

    def text(self, value: Any, where: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "应为字符串")
        return value

    def texts(self, value: Any, where: tuple[str, ...]) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(where, "应为字符串列表")
        return tuple(self.text(v, (*where, str(i))) for i, v in enumerate(value))

    def file(self, value: Any, where: tuple[str, ...], must_exist: bool = True) -> Path:
        """A path relative to the configuration file."""
        path = Path(self.text(value, where))
        path = path if path.is_absolute() else self.path.parent / path
        if must_exist and not path.is_file():
            raise self.fail(where, f"指向的文件不存在：{path}")
        return path

    def pattern(self, value: Any, where: tuple[str, ...]) -> str:
        text = self.text(value, where)
        try:
            re.compile(text)
        except re.error as exc:
            raise self.fail(where, f"不是有效的正则表达式（{exc}）") from exc
        return text

    def count(self, value: Any, where: tuple[str, ...], low: int, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, "应为整数")
        if value < low or (high is not None and value > high):
            bound = f"{low}..{high}" if high is not None else f"至少 {low}"
            raise self.fail(where, f"超出范围（{bound}）")
        return value

    # -- the schema ------------------------------------------------------------------------

    def parse(self, data: dict[str, Any]) -> Config:
        handlers: dict[str, Callable[[Any, tuple[str, ...]], tuple[str, Any]]] = {
            "sites": lambda v, w: ("sites", self.sites(v, w)),
            "as_of": lambda v, w: ("as_of", self.as_of(v, w)),
            "fail_on": lambda v, w: ("fail_on", self.fail_on(v, w)),
            "max_pages": lambda v, w: ("max_pages", self.count(v, w, 1)),
            "skip": lambda v, w: ("skip", self.skip(v, w)),
            "column_pattern": lambda v, w: ("column_pattern", self.pattern(v, w)),
            "article_pattern": lambda v, w: ("article_pattern", self.pattern(v, w)),
            "scoring": lambda v, w: ("scoring", self.file(v, w)),
            "wording": lambda v, w: (
                "wording",
                tuple(self.file(p, (*w, str(i))) for i, p in enumerate(self.texts(v, w))),
            ),
            "notice": lambda v, w: ("notice", self.notice(v, w)),
            "budgets": lambda v, w: ("budgets", self.budgets(v, w)),
            "checks": lambda v, w: ("checks", self.checks(v, w)),
            "resolve": lambda v, w: ("resolve", self.resolve(v, w)),
            "baseline": lambda v, w: ("baseline", self.file(v, w, must_exist=False)),
            "ignore": lambda v, w: ("ignore", self.ignore(v, w)),
        }
        self.keys(data, (), set(handlers))
        values = dict(handlers[key](value, (key,)) for key, value in data.items())
        return Config(path=self.path, **values)

    def sites(self, value: Any, where: tuple[str, ...]) -> tuple[SiteEntry, ...]:
        from auditor.run.sites import normalize_url, validate_url

        if not isinstance(value, list):
            raise self.fail(where, "应为表数组（[[sites]]）")
        fields = {"url", "name", "code", "region", "sponsor", "column_pattern", "article_pattern"}
        out = []
        for i, raw in enumerate(value):
            at = (*where, str(i))
            table = self.keys(raw, at, fields)
            if "url" not in table:
                raise self.fail(at, "缺少 url（网站首页网址）")
            url = normalize_url(self.text(table["url"], (*at, "url")))
            if why := validate_url(url):
                raise self.fail((*at, "url"), why)
            entry = {k: self.text(v, (*at, k)) for k, v in table.items() if k != "url"}
            for k in ("column_pattern", "article_pattern"):
                if k in entry:
                    self.pattern(entry[k], (*at, k))
            out.append(SiteEntry(url=url, **entry))
        return tuple(out)

    def as_of(self, value: Any, where: tuple[str, ...]) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(self.text(value, where))
        except ValueError as exc:
            raise self.fail(where, "应为日期 YYYY-MM-DD") from exc

    def fail_on(self, value: Any, where: tuple[str, ...]) -> str:
        text = self.text(value, where)
        if text not in FAIL_ON:
            raise self.fail(where, f"应为 {'、'.join(FAIL_ON)} 之一")
        return text

    def skip(self, value: Any, where: tuple[str, ...]) -> tuple[str, ...]:
        from auditor.skips import unknown_names

        names = self.texts(value, where)
        if unknown := unknown_names(names):
            raise self.fail(where, f"中有不认识的检查项或检查环节：{'、'.join(unknown)}")
        return names

    def notice(self, value: Any, where: tuple[str, ...]) -> dict[str, str]:
        allowed = {"title", "period", "rectify_deadline", "recheck_deadline"}
        table = self.keys(value, where, allowed)
        out = {k: self.text(v, (*where, k)) for k, v in table.items()}
        for k in ("rectify_deadline", "recheck_deadline"):
            if k in out:
                self.as_of(out[k], (*where, k))
        return out

    def budgets(self, value: Any, where: tuple[str, ...]) -> dict[str, int]:
        from auditor.checks import CHECKS_BY_ID

        table = self.keys(value, where, {"max_findings"})
        limits = self.keys(
            table.get("max_findings", {}), (*where, "max_findings"), set(CHECKS_BY_ID)
        )
        return {k: self.count(v, (*where, "max_findings", k), 0) for k, v in limits.items()}

    def checks(self, value: Any, where: tuple[str, ...]) -> CheckOptions:
        """Per-check options: link-check limits, and the column update windows by class
        (国办秘函〔2019〕19号: 动态要闻 2 weeks, 通知公告/政策文件 6 months; a province may be stricter)."""
        from auditor.extract.freshness import classes

        table = self.keys(value, where, {"link-health", "column-freshness"})
        links = self.keys(table.get("link-health", {}), (*where, "link-health"), set(LINK_LIMITS))
        at = (*where, "column-freshness")
        column = self.keys(table.get("column-freshness", {}), at, {"windows"})
        kinds = {c.id for c in classes()}
        windows = self.keys(column.get("windows", {}), (*at, "windows"), kinds)
        return CheckOptions(
            link_limits={
                k: self.count(v, (*where, "link-health", k), *LINK_LIMITS[k])
                for k, v in links.items()
            },
            column_windows={
                k: self.count(v, (*at, "windows", k), 1, 3650) for k, v in windows.items()
            },
        )

    def resolve(self, value: Any, where: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        import ipaddress

        out = []
        for i, text in enumerate(self.texts(value, where)):
            host, sep, ip = text.partition("=")
            try:
                ipaddress.ip_address(ip.strip())
            except ValueError:
                sep = ""
            if not sep or not host.strip():
                raise self.fail((*where, str(i)), f"“{text}”应写作 主机名=IP地址")
            out.append((host.strip().lower(), ip.strip()))
        return tuple(out)

    def ignore(self, value: Any, where: tuple[str, ...]) -> tuple[Ignore, ...]:
        from auditor.checks import CHECKS_BY_ID

        if not isinstance(value, list):
            raise self.fail(where, "应为表的列表，如 [{check = …, page = …, reason = …}]")
        out = []
        for i, raw in enumerate(value):
            at = (*where, str(i))
            table = self.keys(raw, at, {"check", "page", "reason"})
            for needed in ("check", "reason"):
                if not str(table.get(needed, "")).strip():
                    raise self.fail(at, f"缺少 {needed}（每条忽略都须写明检查项和理由）")
            check = self.text(table["check"], (*at, "check"))
            if check not in CHECKS_BY_ID:
                raise self.fail((*at, "check"), f"“{check}”不是已知的检查项")
            page = self.text(table.get("page", "*"), (*at, "page"))
            out.append(Ignore(check, page, self.text(table["reason"], (*at, "reason")).strip()))
        return tuple(out)


def _key_re(key: str) -> str:
    plain = re.escape(key)
    return rf"(?:{plain}|\"{plain}\"|'{plain}')"
