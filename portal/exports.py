"""Exports for reports upward: wishes, volunteer hours and activity attendance, as CSV or XLSX.

Headers are Chinese; CSV carries a UTF-8 byte-order mark so that Excel opens
it correctly. Text that residents wrote can start with = + - @ and would run
as a formula in a spreadsheet: every such cell is neutralised. Phone numbers
are masked unless the staff member asked for full data (which is recorded).
"""

import tablib
from django.db.models import Count, Q
from django.utils import timezone

from community.models import PartyMembership
from community.privacy import mask_name, mask_phone
from volunteers.models import Activity, ServiceHourRecord, SignUp
from wishes.models import Wish

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """A cell a spreadsheet shows as text: a leading formula character gets a ' in front."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def wishes(period, *, full):
    data = tablib.Dataset(
        headers=[
            "编号",
            "标题",
            "类别",
            "状态",
            "楼栋",
            "居民",
            "联系电话",
            "提交时间",
            "发布时间",
            "认领人",
            "认领单位",
            "实现时间",
            "确认时间",
            "感谢留言",
        ]
    )
    rows = (
        Wish.objects.filter(created__gte=period.start, created__lt=period.end)
        .select_related("building", "owner", "live_claim__claimant", "live_claim__unit")
        .order_by("created", "pk")
    )
    for wish in rows.iterator(chunk_size=2000):
        name = wish.owner.display_name if wish.owner_id else wish.resident_name
        claim = wish.live_claim
        data.append(
            [
                wish.pk,
                neutral(wish.title),
                wish.get_category_display(),
                wish.get_status_display(),
                wish.building.name,
                neutral(name if full else mask_name(name)),
                wish.contact_phone if full else mask_phone(wish.contact_phone),
                _local(wish.created),
                _local(wish.published_at),
                neutral(
                    claim.claimant.display_name if claim and full else (claim.claimant.public_name if claim else "")
                ),
                claim.unit.name if claim and claim.unit_id else "",
                _local(wish.fulfilled_at),
                _local(wish.confirmed_at),
                neutral(wish.thanks),
            ]
        )
    return data


def hours(period, *, full):
    data = tablib.Dataset(headers=["志愿者", "手机号", "服务队", "活动", "服务日期", "时长（小时）", "类型", "原因"])
    rows = (
        ServiceHourRecord.objects.filter(served_on__gte=period.first_day, served_on__lte=period.last_day)
        .select_related("volunteer", "activity__team", "activity__workstation", "activity__partner_unit")
        .order_by("served_on", "volunteer__real_name", "pk")
    )
    for record in rows.iterator(chunk_size=5000):
        volunteer = record.volunteer
        data.append(
            [
                neutral(volunteer.real_name if full else mask_name(volunteer.real_name)),
                volunteer.phone if full else mask_phone(volunteer.phone),
                record.activity.host_name if record.activity_id else "",
                neutral(record.activity.title) if record.activity_id else "",
                record.served_on.isoformat(),
                float(record.hours),
                record.get_kind_display(),
                neutral(record.reason),
            ]
        )
    return data


def attendance(period, *, full):
    data = tablib.Dataset(headers=["活动", "服务队", "开始时间", "地点", "名额", "报名人数", "签到人数", "状态"])
    rows = (
        Activity.objects.filter(starts_at__gte=period.start, starts_at__lt=period.end)
        .select_related("team", "workstation", "partner_unit")
        .annotate(
            signed=Count("signups", filter=Q(signups__status=SignUp.Status.SIGNED_UP)),
            attended=Count("signups", filter=Q(signups__attended=True)),
        )
        .order_by("starts_at", "pk")
    )
    for activity in rows:
        data.append(
            [
                neutral(activity.title),
                activity.host_name,
                _local(activity.starts_at),
                neutral(activity.place),
                activity.capacity,
                activity.signed,
                activity.attended,
                activity.get_status_display(),
            ]
        )
    return data


def party_members():
    """The confirmed party members (党员), for staff holding community.confirm_partymembership only."""
    data = tablib.Dataset(headers=["称呼", "组织关系所在党组织", "所在网格党支部", "入党年份", "亮身份", "确认时间"])
    rows = (
        PartyMembership.objects.confirmed()
        .select_related("member", "branch")
        .order_by("branch__grid__order", "branch__name", "member__display_name", "pk")
    )
    for membership in rows.iterator(chunk_size=2000):
        data.append(
            [
                neutral(membership.member.display_name),
                neutral(membership.organisation),
                membership.branch.name if membership.branch_id else "",
                membership.joined_year,
                "是" if membership.shows_badge else "否",
                _local(membership.decided_at),
            ]
        )
    return data


KINDS = {"wishes": (wishes, "微心愿"), "hours": (hours, "志愿服务时长"), "attendance": (attendance, "活动签到")}


def render(dataset, fmt):
    """(bytes, content type) for ``csv`` (UTF-8 with BOM) or ``xlsx``."""
    if fmt == "csv":
        return ("\ufeff" + dataset.export("csv")).encode("utf-8"), "text/csv; charset=utf-8"
    return dataset.export("xlsx", escape=True), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
