"""Staging host mapping (``--resolve NAME=IP``): audit a site under its real name before DNS moves.

A staging server is often reachable only by address while its pages, SiteDomain tag and 找错 links
carry the production name; the domain rules (国办发〔2017〕47号 域名规则) must be judged on that
name. One table maps names to addresses for Chromium (``--host-resolver-rules``) and for every
HTTP client (:mod:`auditor.httpclient`), so the browser and the HTTP checks reach the same server.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# Tests and CI may only reach this machine: every other name fails to resolve.
TEST_RULES = ("MAP * ~NOTFOUND", "EXCLUDE localhost", "EXCLUDE 127.0.0.1")
_NAME = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})*\.?$")


class ResolveError(ValueError):
    """A ``--resolve`` entry that is not NAME=IP (message in Chinese)."""


def parse_resolve(values: Iterable[str]) -> dict[str, str]:
    """``["www.example.gov.cn=10.1.2.3", …]`` → ``{"www.example.gov.cn": "10.1.2.3"}``."""
    hosts: dict[str, str] = {}
    for raw in values:
        name, sep, ip = (part.strip() for part in raw.partition("="))
        name = name.lower().rstrip(".")
        if not sep or not _NAME.match(name) or "*" in name:
            raise ResolveError(
                f"--resolve {raw}：应写作 域名=IP地址，如 www.example.gov.cn=10.1.2.3"
            )
        try:
            address = ipaddress.ip_address(ip.strip("[]"))
        except ValueError as exc:
            raise ResolveError(f"--resolve {raw}：“{ip}”不是 IP 地址") from exc
        if hosts.get(name, str(address)) != str(address):
            raise ResolveError(f"--resolve：{name} 被指向了两个不同的地址")
        hosts[name] = str(address)
    return hosts


def chromium_rules(hosts: Mapping[str, str], *, test_mode: bool) -> list[str]:
    """Chromium's ``--host-resolver-rules`` argument (empty list: no rules).

    Chromium applies the first MAP rule that matches, so the staging names come before the test
    mode's ``MAP * ~NOTFOUND`` and still resolve when everything else is refused.
    """
    rules = [f"MAP {name} {_bracketed(ip)}" for name, ip in hosts.items()]
    if test_mode:
        rules += TEST_RULES
    return [f"--host-resolver-rules={', '.join(rules)}"] if rules else []


def is_local(host: str | None, hosts: Mapping[str, str]) -> bool:
    """This machine, by name or through the mapping (what test mode may contact)."""
    if host is None:
        return False
    host = host.lower().rstrip(".")
    return host in LOCAL_HOSTS or hosts.get(host) in LOCAL_HOSTS


def _bracketed(ip: str) -> str:
    return f"[{ip}]" if ":" in ip else ip
