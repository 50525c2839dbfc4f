"""Comparing organ and site names the way a reader would (shared by header and meta checks)."""

from __future__ import annotations

import re

from auditor.extract.page import nospace

_SUFFIX = re.compile(  # 政府 stays when it belongs to 人民政府
    r"((?<!人民)政府门户网站|(?<!人民)政府门户网|门户网站|官方网站|(?<!人民)政府网站|网站|"
    r"(?<!人民)政府网|门户网|网|logo|LOGO)$"
)
_PUNCT = re.compile(r"[\s_|｜·•\-—–:：,，。()（）\"“”'‘’<>《》\[\]【】]+")


def core_name(name: str) -> str:
    """``北京市丰台区人民政府网站`` → ``北京市丰台区人民政府``; punctuation and spaces dropped."""
    s = _PUNCT.sub("", nospace(name or ""))
    for _ in range(2):
        s = _SUFFIX.sub("", s)
    return s


def names_agree(a: str, b: str) -> bool:
    """Equal after removing the 网站/门户网站 suffix, or one contains the other."""
    ca, cb = core_name(a), core_name(b)
    return bool(ca and cb) and (ca in cb or cb in ca)
