"""A real cluster on 127.0.0.1 for the tests and the benchmark: redis-server, auditor workers,
and generated government-style sites, each on a free port and stopped afterwards."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import auditor

PACKAGE_ROOT = Path(auditor.__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def auditor_env() -> dict[str, str]:
    """The environment of an auditor subprocess: this checkout's package first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH")) if p)
    return env


def _default_sigint() -> None:
    """Children get SIGINT back (a background test run hands them SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.setsid()  # its own process group: a kill reaches its pool processes and browsers too


class RedisServer:
    """``redis-server`` (Debian package) with an append-only file, so a restart keeps the queue."""

    def __init__(self, workdir: Path) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server not installed (apt-get install redis-server)")
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.workdir), "--appendonly", "yes", "--appendfsync", "always"]
        args += ["--save", "", "--protected-mode", "no"]
        log = (self.workdir / "redis.log").open("ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=log, preexec_fn=_default_sigint)
        self._wait(up=True)
        return self

    def stop(self) -> None:
        """A clean shutdown (SIGTERM): the append-only file is flushed, as an operator's restart."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        self.proc = None

    def ping(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), 1) as s,
        ):
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    def _wait(self, *, up: bool) -> None:
        for _ in range(200):
            if self.ping() == up:
                return
            time.sleep(0.05)
        raise RuntimeError(
            f"redis-server on port {self.port} did not come {'up' if up else 'down'}"
        )


class Worker:
    """``auditor worker`` as an operator starts it, in a process group of its own."""

    def __init__(self, broker: str, name: str, logdir: Path, *, visibility_timeout: float) -> None:
        self.name = name
        self.log = logdir / f"worker-{name}.log"
        args = [sys.executable, "-m", "auditor.cli", "worker", "--broker", broker]
        args += ["--name", name, "--local-only", "--visibility-timeout", str(visibility_timeout)]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                args, stdout=log, stderr=log, env=auditor_env(), preexec_fn=_default_sigint
            )

    def wait_ready(self, timeout_s: float = 60) -> Worker:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if " ready." in self.log.read_text(errors="replace"):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"worker {self.name} did not start:\n{self.log.read_text()[-3000:]}")

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """kill -9 the worker, its pool processes and their browsers: a machine that died."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()


COLUMNS = (("tzgg", "通知公告"), ("zwdt", "政务动态"))


def write_sites(root: Path, n: int, *, as_of: str = "2026-11-27") -> list[dict[str, str]]:
    """``n`` small government-style sites (home page, two dated columns, an article each), as
    ``root/sK/``; returns their names and codes for the sites list."""
    shutil.copytree(PACKAGE_ROOT / "auditor" / "demo" / "site" / "static", root / "static")
    specs = []
    for k in range(1, n + 1):
        name = f"生成市{k}区人民政府"
        code = f"37019{k:05d}"
        base = root / f"s{k}"
        for slug, title in COLUMNS:
            items = "".join(
                f'<li><a href="../art/{slug}{i}.html">{title}第{i}条</a><span>{as_of}</span></li>'
                for i in range(1, 4)
            )
            _write(base / slug / "index.html", name, code, title, f"<ul>{items}</ul>", "../")
            _write(
                base / "art" / f"{slug}1.html",
                name,
                code,
                f"{title}第1条",
                f"<p>发布时间：{as_of}</p><p>{name}{title}正文。</p>",
                "../",
            )
        nav = "".join(f'<li><a href="{slug}/index.html">{t}</a></li>' for slug, t in COLUMNS)
        _write(base / "index.html", name, code, name, f"<ul>{nav}</ul>", "")
        specs.append({"name": name, "code": code})
    return specs


def _write(path: Path, name: str, code: str, title: str, main: str, up: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_{name}</title><meta name="SiteName" content="{name}">
<meta name="SiteIDCode" content="{code}"><link rel="stylesheet" href="/static/style.css"></head>
<body><header><h1>{name}</h1><nav><a href="{up}index.html">首页</a></nav></header>
<main><h2>{title}</h2>{main}</main>
<footer><p>主办：{name}办公室</p><p>网站标识码：{code}</p>
<p><a href="https://beian.miit.gov.cn/">鲁ICP备12345678号</a></p></footer></body></html>""",
        encoding="utf-8",
    )


def write_sites_csv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """A sites list as offices keep it: (name, code, url) rows."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["网站名称", "网站标识码", "首页网址", "主办单位", "地区"])
        for name, code, url in rows:
            w.writerow([name, code, url, f"{name}办公室", "示例市"])
