"""抖音 and 快手 JSON answers → Profile, without a browser (the data file's keys at work)."""

from __future__ import annotations

from datetime import date

from auditor.media.adapters import JsonAdapter
from auditor.media.profile import Profile

AS_OF = date(2026, 11, 27)


def _author(enterprise: str, custom: str) -> dict[str, object]:
    return {
        "uid": "91",
        "sec_uid": "MS4w",
        "nickname": "某县发布",
        "enterprise_verify_reason": enterprise,
        "custom_verify": custom,
        "follower_count": 10,
    }


def _douyin(author: dict[str, object]) -> Profile:
    profile = Profile(url="https://www.douyin.com/user/MS4w", platform="douyin")
    post = {"aweme_id": "7301", "desc": "某县召开会议", "create_time": 1795572000, "author": author}
    JsonAdapter("douyin").fill(profile, [{"aweme_list": [post]}], AS_OF)
    return profile


def test_douyin_subject_is_the_enterprise_reason_else_the_custom_one() -> None:
    organisation = _douyin(_author("某县人民政府新闻办公室", ""))
    assert (organisation.subject, organisation.verified) == ("某县人民政府新闻办公室", True)
    personal = _douyin(_author("", "某县融媒体中心主持人"))
    assert (personal.subject, personal.verified) == ("某县融媒体中心主持人", True)
    none = _douyin(_author("", ""))
    assert (none.subject, none.verified, none.followers) == ("", False, 10)
    assert [(p.when, p.url) for p in none.posts] == [
        (date(2026, 11, 25), "https://www.douyin.com/video/7301")
    ]


def test_kuaishou_reads_milliseconds_and_the_nested_profile() -> None:
    profile = Profile(url="https://www.kuaishou.com/profile/3x", platform="kuaishou")
    user = {"ownerCount": {"fan": "1.2万"}, "profile": {"user_name": "某市应急管理局"}}
    photo = {"id": "3xa", "caption": "冬季安全检查", "timestamp": 1431738000000}
    feed = {"author": {"id": "3x", "name": "某市应急管理局"}, "photo": photo}
    bodies = [
        {"data": {"visionProfile": {"userProfile": user}}},
        {"data": {"visionProfilePhotoList": {"feeds": [feed]}}},
    ]
    JsonAdapter("kuaishou").fill(profile, bodies, AS_OF)
    assert (profile.name, profile.followers, profile.verified) == ("某市应急管理局", None, None)
    assert [(p.when, p.text, p.url) for p in profile.posts] == [
        (date(2015, 5, 16), "冬季安全检查", "https://www.kuaishou.com/short-video/3xa")
    ]
