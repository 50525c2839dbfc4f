"""The command line's words: commands, options, exit codes (help texts in Chinese)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from auditor.gather import SKIPPABLE
from auditor.version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEMO_AS_OF = date(2026, 11, 27)
FAIL_ON = ["minor", "moderate", "serious", "critical", "none"]


class UsageError(Exception):
    """Bad input from the user: printed as one clear line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="渲染政府网站页面，按国家政府网站规范检查，并为每个问题截图取证。",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    audit = sub.add_parser("audit", help="检查一个或多个网站（首页 + 栏目页 + 文章页）")
    audit.add_argument("urls", nargs="*", metavar="URL", help="网站首页网址")
    audit.add_argument(
        "--sites",
        type=Path,
        help="网站清单 CSV/XLSX（网站名称、网站标识码、首页网址、主办单位、地区）",
    )
    audit.add_argument("--name", default="", help="单个网站的应有名称（与页面核对）")
    audit.add_argument("--code", default="", help="单个网站的应有网站标识码")
    audit.add_argument(
        "--resume",
        type=Path,
        metavar="RUN",
        help="继续一次被中断的检查（已完成的网站不重做；网站清单与检查日期沿用原记录）",
    )
    audit.add_argument(
        "--accounts",
        type=Path,
        help="同时检查政务新媒体账号清单 CSV/XLSX（结果 media.json 与 results.json 在同一目录）",
    )
    audit.add_argument(
        "--broker",
        metavar="URL",
        help="交给检查集群（auditor worker）检查：Redis 消息队列地址，如 redis://10.0.0.5:6379/0",
    )
    audit.add_argument(
        "--shared-dir",
        type=Path,
        metavar="DIR",
        help="各检查节点共享的目录（NFS 等）：截图经此送回，不经消息队列（可选）",
    )
    _media_state(audit)
    _common(audit)
    _cluster(sub)

    gather = sub.add_parser("gather", help="只渲染并保存页面数据（artifacts）和截图，不做检查")
    gather.add_argument("urls", nargs="+", metavar="URL")
    gather.add_argument("--out", type=Path, required=True, help="保存目录")
    _browser_options(gather)

    check = sub.add_parser("check", help="用已保存的页面数据重新检查（不需要浏览器）")
    check.add_argument(
        "--from", dest="source", type=Path, required=True, help="gather/audit 的输出目录"
    )
    check.add_argument("--fail-on", choices=FAIL_ON, default="minor")
    _config_option(check)

    _media(sub)

    demo = sub.add_parser("demo", help="在 127.0.0.1 上启动内置示例网站并检查它")
    _common(demo)
    demo.add_argument(
        "--no-accounts", action="store_true", help="不检查示例政务新媒体账号（只检查示例网站）"
    )
    demo.set_defaults(max_pages=40)  # the whole demo site

    report = sub.add_parser(
        "report", help="由检查记录生成通报附件（Word、Excel）、HTML 报告和 JSON"
    )
    report.add_argument("run", type=Path, metavar="RUN", help="检查输出目录")
    report.add_argument(
        "--format", default="docx,xlsx,html", help="逗号分隔：docx,xlsx,html,json（默认前三种）"
    )
    report.add_argument("--out", type=Path, help="写入目录（默认即 RUN；HTML 只能写在 RUN）")
    report.add_argument("--title", help="通报标题（默认“政府网站检查情况通报”）")
    report.add_argument(
        "--period", help="抽查时间，如 2026-02-20..2026-03-09（默认为检查记录的采集日期）"
    )
    report.add_argument("--rectify-deadline", help="整改截止日期，如 2026-03-31")
    report.add_argument("--recheck-deadline", help="复核截止日期，如 2026-04-15")
    report.add_argument(
        "--monitor",
        type=Path,
        metavar="MONITOR_RUN",
        help="可用性监测目录（auditor monitor 的输出）：其覆盖的网站按1周失败占比判定“站点无法访问”",
    )
    _scoring_option(report)
    _config_option(report)

    recheck = sub.add_parser("recheck", help="复核：只重新检查有问题的网站和页面，逐项判定是否整改")
    recheck.add_argument("run", type=Path, metavar="RUN", help="原检查输出目录")
    recheck.add_argument("--out", type=Path, help="复核输出目录（默认 RUN-recheck-时间戳）")
    recheck.add_argument("--as-of", type=date.fromisoformat, help="复核日期 YYYY-MM-DD（默认今天）")
    _browser_options(recheck)

    diff = sub.add_parser("diff", help="比较两次检查（如两个季度）：哪些网站变好、变差，按检查项")
    diff.add_argument("run_a", type=Path, metavar="RUN_A", help="较早的检查输出目录")
    diff.add_argument("run_b", type=Path, metavar="RUN_B", help="较晚的检查输出目录")
    diff.add_argument("--out", type=Path, help="另存比较结果为 JSON 文件")
    _scoring_option(diff)

    _monitor(sub)
    _baseline(sub)

    verify = sub.add_parser("verify", help="按 manifest.json 核验截图与证据文件未被改动（SHA-256）")
    verify.add_argument("run", type=Path, metavar="RUN")
    return parser


def _monitor(sub: argparse._SubParsersAction) -> None:
    monitor = sub.add_parser(
        "monitor",
        help="可用性监测：按国办秘函〔2019〕19号（监测1周、每天20次以上、15秒）反复访问首页，算失败占比",
    )
    monitor.add_argument(
        "--sites",
        type=Path,
        help="网站清单 CSV/XLSX（与 audit --sites 相同）",
    )
    monitor.add_argument("--out", type=Path, help="监测目录（默认 runs/monitor-时间戳）")
    monitor.add_argument(
        "--resume",
        type=Path,
        metavar="RUN",
        help="继续一次被中断的监测（已记录的访问不重做，中断期间错过的记为“未监测”）",
    )
    monitor.add_argument("--days", type=int, help="监测天数（默认 7，国家规定监测1周）")
    monitor.add_argument("--per-day", type=int, help="每天访问次数（默认 20，国家规定20次以上）")
    monitor.add_argument(
        "--interval",
        type=float,
        metavar="SECONDS",
        help="测试用：同一网站两次访问之间的秒数，代替按天分布（不构成规则要求的监测）",
    )
    monitor.add_argument(
        "--attempts", type=int, help="与 --interval 同用：每个网站的访问次数（默认 20）"
    )
    monitor.add_argument(
        "--timeout",
        type=float,
        help="首页打开时限，秒（默认 15，国家规定 15 秒；仅测试时改小）",
    )
    monitor.add_argument(
        "--local-only",
        action="store_true",
        help="只访问 localhost/127.0.0.1（测试与 CI 用；真实监测不要加）",
    )
    _resolve_option(monitor)
    actions = monitor.add_subparsers(dest="monitor_command", metavar="status")
    status = actions.add_parser("status", help="查看监测结果：每个网站的访问次数、失败占比和结论")
    status.add_argument("run", type=Path, metavar="RUN", help="监测目录")


def _config_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="配置文件（默认从当前目录向上找 auditor.toml 或含 [tool.auditor] 的 pyproject.toml；"
        "命令行选项优先于配置文件）",
    )


def _baseline(sub: argparse._SubParsersAction) -> None:
    baseline = sub.add_parser(
        "baseline",
        help="CI 门禁：把一次检查的现有问题记为已接受的基线，之后只有新问题使检查失败",
    )
    baseline.add_argument("run", type=Path, metavar="RUN", help="检查输出目录")
    baseline.add_argument(
        "--out",
        type=Path,
        default=Path("auditor-baseline.json"),
        help="基线文件（默认 auditor-baseline.json）",
    )
    baseline.add_argument(
        "--update",
        action="store_true",
        help="只从已有的基线文件中删去 RUN 中已解决的条目（不加入新问题）",
    )


def _scoring_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scoring",
        type=Path,
        metavar="FILE",
        help="本省计分表（TOML，格式同 auditor/data/scoring.toml），替换默认表",
    )


def _cluster(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser(
        "worker", help="启动检查节点（Celery worker）：从 Redis 消息队列领取网站并检查"
    )
    worker.add_argument("--broker", required=True, metavar="URL", help="Redis 消息队列地址")
    worker.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="本节点同时检查的网站数，共用一个浏览器（默认按 CPU 核数，与本地检查相同）",
    )
    worker.add_argument("--name", default="", help="节点名称（默认 auditor@主机名）")
    worker.add_argument(
        "--visibility-timeout",
        type=float,
        default=7200.0,
        metavar="SECONDS",
        help="节点失联多久后其未完成的网站交给其他节点（默认 7200 秒，须长于最长的单站检查）",
    )
    worker.add_argument(
        "--browser", help="Chromium/Chrome 可执行文件（也可用环境变量 AUDITOR_BROWSER）"
    )
    worker.add_argument(
        "--local-only",
        action="store_true",
        help="浏览器只解析 localhost/127.0.0.1（测试与 CI 用；真实检查不要加）",
    )
    _resolve_option(worker)
    workers = sub.add_parser("workers", help="查看在线的检查节点与排队的网站数")
    workers.add_argument("--broker", required=True, metavar="URL", help="Redis 消息队列地址")


def _media(sub: argparse._SubParsersAction) -> None:
    media = sub.add_parser("media", help="检查政务新媒体账号（是否更新、是否“僵尸”、能否访问）")
    media.add_argument(
        "--accounts",
        type=Path,
        required=True,
        help="新媒体账号清单 CSV/XLSX（账号名称、平台、主办单位、地区、账号地址）",
    )
    media.add_argument("--out", type=Path, required=True, help="输出目录（media.json 与截图）")
    media.add_argument(
        "--broker",
        metavar="URL",
        help="交给检查集群（auditor worker）打开账号：Redis 消息队列地址，如 redis://10.0.0.5:6379/0",
    )
    media.add_argument("--as-of", type=date.fromisoformat, help="检查日期 YYYY-MM-DD（默认今天）")
    media.add_argument(
        "--fail-on", choices=FAIL_ON, default="minor", help="达到该严重程度的问题使退出码为 1"
    )
    _media_state(media)
    _browser_options(media)


def _media_state(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--media-state",
        type=Path,
        metavar="FILE",
        help="用户从自己已登录的浏览器导出的 Playwright 登录状态（storage state JSON），"
        "只用于打开新媒体账号页面（需要登录才能查看的平台）；文件含登录凭据，请勿提交到版本库",
    )


def _browser_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--browser", help="Chromium/Chrome 可执行文件（也可用环境变量 AUDITOR_BROWSER）")
    p.add_argument("--timeout", type=float, default=15.0, help="页面打开时限，秒（国家规定 15 秒）")
    p.add_argument("--concurrency", type=int, default=0, help="同时渲染的页面数（默认按 CPU 核数）")
    p.add_argument(
        "--local-only",
        action="store_true",
        help="浏览器只解析 localhost/127.0.0.1（测试与 CI 用；真实检查不要加）",
    )
    _resolve_option(p)


def _resolve_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--resolve",
        action="append",
        default=[],
        metavar="NAME=IP",
        help="把域名指向指定地址检查（上线前的预发布服务器），浏览器与链接检查都用它，可重复；"
        "如 --resolve www.example.gov.cn=10.1.2.3",
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="输出目录（默认 runs/时间戳）")
    p.add_argument("--max-pages", type=int, default=10, help="每个网站最多检查的页面数（默认 10）")
    p.add_argument(
        "--fail-on", choices=FAIL_ON, default="minor", help="达到该严重程度的问题使退出码为 1"
    )
    p.add_argument("--as-of", type=date.fromisoformat, help="检查日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--column-pattern", default="", help="匹配栏目页网址的正则（覆盖自动识别）")
    p.add_argument("--article-pattern", default="", help="匹配文章页网址的正则（覆盖自动识别）")
    p.add_argument(
        "--page-type",
        choices=["home", "column", "article"],
        help="起始网址的页面类型（默认自动识别：明显是栏目页或文章页的按其类型检查，否则按首页）",
    )
    p.add_argument(
        "--skip",
        default="",
        help="跳过的检查环节、检查组或检查项，逗号分隔。环节："
        + "、".join(SKIPPABLE)
        + "（例如 --skip links,phone 以加快检查）；检查组如 footer、security；"
        "检查项如 header-site-name（报告为“按配置跳过”）",
    )
    p.add_argument(
        "--submit-forms",
        action="store_true",
        help="真实提交一条标注为测试的留言以验证互动功能（默认关闭；会向被检网站写入数据）",
    )
    p.add_argument(
        "--wording",
        type=Path,
        action="append",
        metavar="FILE",
        help="本地区的严重表述错误词表（TOML，格式同 auditor/data/wording/*.toml），可重复；与内置词表一并比对",
    )
    p.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="CI 门禁的基线文件（auditor baseline 生成）：其中的问题记为已接受，不影响退出码",
    )
    _scoring_option(p)
    _config_option(p)
    _browser_options(p)
