"""Compare what the auditor extracts from a rendered real page with the hand-made label.

Shared by the corpus test; kept apart so a person can also run it on one page to see mismatches.
"""

from __future__ import annotations

from typing import Any

from auditor.artifacts import Artifacts
from auditor.extract import page as extract

FOOTER_FIELDS = ("site_id_code", "sponsor", "icp", "police_record", "conac_badge", "sitemap_link")


def extracted(art: Artifacts) -> dict[str, Any]:
    """The auditor's reading of the page, in the label's vocabulary."""
    code = extract.site_code(art)
    sponsor = extract.sponsor(art)
    icp = extract.icp(art)
    police = extract.police_record(art)
    return {
        "footer.site_id_code": code.value if code else None,
        "footer.sponsor": sponsor.value if sponsor else None,
        "footer.icp": icp.text if icp else None,
        "footer.police_record": police.text if police else None,
        "footer.conac_badge": extract.conac(art) is not None,
        "footer.sitemap_link": extract.sitemap_link(art) is not None,
        "footer.contact": [c.value for c in extract.contact(art)],
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return extract.nospace(a) == extract.nospace(b)
    return a == b


def mismatches(art: Artifacts, label: dict[str, Any]) -> list[str]:
    """Every non-uncertain label field that the extraction disagrees with."""
    uncertain = set(label.get("uncertain", []))

    def skip(key: str) -> bool:
        return key in uncertain or key.split(".")[0] in uncertain

    got = extracted(art)
    out: list[str] = []
    for name in FOOTER_FIELDS:
        key = f"footer.{name}"
        want = label["footer"][name]
        if not skip(key) and not _same(got[key], want):
            out.append(f"{key}: label {want!r}, extracted {got[key]!r}")
    want_contact = label["footer"]["contact"]
    if not skip("footer.contact") and want_contact:
        items = got["footer.contact"]
        if not any(extract.nospace(i) in extract.nospace(want_contact) for i in items):
            out.append(f"footer.contact: label {want_contact!r}, extracted {items!r}")
    for name, value in label["meta"].items():
        key = f"meta.{name}"
        if skip(key) or skip("meta"):
            continue
        found = art.meta_any_case(name)
        if found is None or found.content != value:
            out.append(f"{key}: label {value!r}, extracted {found.content if found else None!r}")
    if not skip("site_name") and label["site_name"]:
        shown = extract.header_names(art)
        if not any(extract.nospace(label["site_name"]) in extract.nospace(s) for s in shown):
            out.append(f"site_name: label {label['site_name']!r} not in header {shown!r}")
    logo = label.get("header_logo") or {}
    if not skip("header_logo") and logo.get("alt"):
        alts = [i.alt for i in art.images if i.alt]
        if logo["alt"] not in alts:
            out.append(f"header_logo.alt: label {logo['alt']!r} not among image alts")
    return out
