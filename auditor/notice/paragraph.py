"""A draft of the notice's 一、总体情况 paragraph with the run's numbers filled in.

Notices open with the same sentence shape every quarter (四川 2020Q1: “全覆盖检查全省正在运行的908个
政府网站，检查合格率98.1%。自贡、泸州、绵阳、德阳等11个市（州）检查合格率100%。”). Writing it from the
same counts as 附件2 keeps the text and the tables from disagreeing.
"""

from __future__ import annotations

import re

from auditor.notice.tables import NO_REGION, NoticeData, rate_text

__all__ = ["overview_paragraphs", "short_region"]

_AUTONOMOUS = re.compile(r"^(?P<base>.{2,}?)(?:[\u4e00-\u9fff]{1,2}族)*自治[州县]$")
_SUFFIX = re.compile(r"^(?P<base>.{2,}?)(?:市|地区|盟)$")
# Regions that are not 市（州）: provincial departments and the province's own level.
_NOT_PREFECTURE = ("省直", "部门", "本级", "省级", NO_REGION)
_NAMES_SHOWN = 4  # notices name a few, then “等N个”


def short_region(name: str) -> str:
    """“凉山彝族自治州” → “凉山”, “自贡市” → “自贡”, as notices write them."""
    for pattern in (_AUTONOMOUS, _SUFFIX):
        m = pattern.match(name)
        if m:
            return m.group("base")
    return name


def _is_prefecture(region: str) -> bool:
    return not any(word in region for word in _NOT_PREFECTURE)


def _named(regions: list[str]) -> str:
    """“示例市” / “自贡、泸州共2个市（州）” / “自贡、泸州、绵阳、德阳等11个市（州）”."""
    if len(regions) == 1:
        return regions[0]
    names = "、".join(short_region(r) for r in regions[:_NAMES_SHOWN])
    joint = "等" if len(regions) > _NAMES_SHOWN else "共"
    return f"{names}{joint}{len(regions)}个市（州）"


def overview_paragraphs(data: NoticeData) -> list[str]:
    """（一）政府网站检查情况 and, when the list has new-media accounts, （二）政务新媒体."""
    total = data.total
    failed = len(data.failed)
    if total.checked and total.checked == total.running:
        scope = f"全覆盖检查全省正在运行的{total.running}个政府网站"
    else:
        share = rate_text(total.checked, total.running)
        scope = f"检查全省正在运行的{total.running}个政府网站中的{total.checked}个，检查比例{share}"
    text = (
        f"（一）政府网站检查情况。依据有关政府网站的单项否决指标和扣分指标，{scope}，"
        f"发现存在突出问题的政府网站{failed}个，检查合格率{total.rate}。"
    )
    if data.undecided:
        text += f"另有{len(data.undecided)}个网站未能完成自动检查，结论待人工核定，未计入合格率。"
    perfect = [r.region for r in data.regions if r.all_passed and _is_prefecture(r.region)]
    if perfect:
        text += f"{_named(perfect)}检查合格率100%。"
    paragraphs = [text] if data.has_websites else []
    if data.has_media:
        media_perfect = [
            r.region
            for r in data.regions
            if r.media_checked and r.media_passed == r.media_checked and _is_prefecture(r.region)
        ]
        media = (
            f"{'（二）' if paragraphs else '（一）'}政务新媒体检查情况。检查{total.media_checked}个政务新媒体账号，"
            f"检查合格率{total.media_rate}。"
        )
        if data.accounts:
            media = media[:-1] + f"，发现存在突出问题的账号{len(data.outstanding_accounts)}个。"
            undecided = total.media_undecided
            if undecided:
                media += f"另有{undecided}个账号无法判定（需要登录、出现验证码或未能打开），未计入合格率。"
        if media_perfect:
            media += f"{_named(media_perfect)}检查合格率100%。"
        paragraphs.append(media)
    return paragraphs
