"""The one way the auditor makes an httpx client: staging names (``--resolve``) reach their address.

The request keeps its URL, so ``Host`` is the site's name and TLS sends that name (SNI) and checks
the certificate against it; only the TCP connection goes to the mapped address.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

import httpx

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own


class MappedTransport(httpx.AsyncHTTPTransport):
    """Connects to the mapped address of a name; every other host as usual."""

    def __init__(self, hosts: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hosts = {name.lower(): ip for name, ip in hosts.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host.lower().rstrip(".")
        ip = self.hosts.get(name)
        if ip is None:
            return await super().handle_async_request(request)
        mapped = httpx.Request(
            request.method,
            request.url.copy_with(host=ip),
            headers=request.headers,  # Host: the name, set when the request was made
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": name},
        )
        return await super().handle_async_request(mapped)


def http_client(
    hosts: Mapping[str, str] | None = None,
    *,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits | None = None,
    **kwargs: Any,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` whose connections honour the staging host mapping."""
    transport = MappedTransport(
        hosts or {}, verify=verify, limits=limits or DEFAULT_LIMITS, http2=False
    )
    return httpx.AsyncClient(transport=transport, verify=verify, **kwargs)
