"""What the red whistle adds to other pages: the home page's figures, partner-unit pages, personal data."""

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.contributions import (
    WHISTLE,
    Figure,
    Part,
    Queue,
    ServiceLine,
    export_time,
    home_figures,
    personal_data_erase,
    personal_data_export,
    service_record,
    workbench,
    workbench_queues,
    year_bounds,
)
from community.images import register_photo_access
from community.together import count_of, instances
from volunteers.contributions import unit_page
from volunteers.models import PartnerUnit, Team
from whistles.models import (
    REPORTS_SECTION,
    SECTION,
    Category,
    ProblemReport,
    Rating,
    ReportPhoto,
    Whistle,
    WhistleCall,
    WhistleUpdate,
    may_view_report_photo,
    place_of,
    responsiveness_query,
)

register_photo_access(may_view_report_photo)

home_figures.register(
    Figure(
        name="whistles_closed",
        label=_("今年解决的问题"),
        rows=lambda start: count_of(Whistle.objects.filter(status=Whistle.Status.CLOSED, closed_at__gte=start)),
        section=SECTION,
        order=40,
    )
)


# --- Partner-unit pages ------------------------------------------------------------------------


def _unit_figures(rows, unit):
    figures = rows["figures"][0] if rows["figures"] else {}
    median = figures.get("median_report_in_hours")
    satisfied = figures.get("satisfied_percent")
    return [
        (_("响应吹哨"), figures.get("answered") or 0),
        (_("报到用时（中位数）"), f"{floatformat(median, 1)} {gettext('小时')}" if median is not None else "—"),
        (_("居民满意率"), f"{floatformat(satisfied, 0)}%" if satisfied is not None else "—"),
    ]


unit_page.register(
    Part(
        name="whistles",
        template="whistles/_unit_part.html",
        rows=lambda unit: {
            "calls": unit.whistle_calls.order_by("-called_at").values("id", "status", "whistle__id", "whistle__title")[
                :20
            ],
            "figures": responsiveness_query(unit=unit),
        },
        context=lambda rows, unit: {
            "calls": instances(WhistleCall, rows["calls"], whistle=Whistle),
            "figures": rows["figures"][0] if rows["figures"] else {},
        },
        figures=_unit_figures,
        section=SECTION,
        order=20,
    )
)


# --- A person's year of service -------------------------------------------------------------


@service_record.register
def whistles_answered(subject):
    """What ``user`` posted in the year for a called unit or team: reporting in, progress, marking done."""
    user, year = subject
    start, end = year_bounds(year)
    updates = (
        WhistleUpdate.objects.filter(author=user, created__gte=start, created__lt=end)
        .select_related("call__whistle")
        .order_by("created", "id")
    )
    return [
        ServiceLine(
            kind=WHISTLE,
            day=timezone.localdate(update.created),
            title=gettext("响应吹哨“%(title)s”：%(text)s")
            % {"title": update.call.whistle.title, "text": update.text[:60] or gettext("上传了照片")},
            url=update.call.whistle.get_absolute_url(),
        )
        for update in updates
    ]


# --- Personal data -------------------------------------------------------------------------


@personal_data_export.register
def export_reports(user):
    return {
        "problem_reports": [
            {
                "category": r.get_category_display(),
                "description": r.description,
                "place": r.place,
                "contact_phone": r.contact_phone,
                "created": export_time(r.created),
            }
            for r in ProblemReport.objects.filter(reporter=user).select_related("building")
        ],
        "ratings": [
            {"whistle": r.whistle.title, "score": r.get_score_display(), "comment": r.comment}
            for r in Rating.objects.filter(rater=user).select_related("whistle")
        ],
    }


@personal_data_erase.register
def erase_reports(user):
    """Reports stay (they are part of a whistle's story) with no reporter and no phone."""
    ProblemReport.objects.filter(reporter=user).update(reporter=None, contact_phone="")


# --- What waits on 我的 ------------------------------------------------------------------------


def _report_link(row):
    return reverse("whistles:report", kwargs={"pk": row["id"]})


def _whistle_link(row):
    return reverse("whistles:detail", kwargs={"pk": row["whistle_id"] if "whistle_id" in row else row["id"]})


def _reports_to_triage(user):
    """Reports waiting for a decision; a grid worker's own grids first, then the oldest."""
    if not (user.is_staff and user.has_perm("whistles.triage_report")):
        return None
    mine = Case(When(building__grid__grid_worker=user, then=Value(0)), default=Value(1))
    return ProblemReport.objects.filter(status=ProblemReport.Status.SUBMITTED).order_by(mine, "created")


def _calls_waiting_for(user):
    """The open calls of the units the person acts for (and the teams they lead), the soonest deadline first."""
    units = PartnerUnit.objects.with_member(user)
    teams = Team.objects.led_by(user)
    return (
        WhistleCall.objects.filter(
            Q(unit__in=units) | Q(team__in=teams),
            status__in=WhistleCall.WAITING_STATUSES,
            whistle__status__in=Whistle.OPEN_STATUSES,
        )
        .annotate(deadline=F("whistle__report_in_by"), title=F("whistle__title"))
        .order_by("whistle__report_in_by")
    )


workbench_queues.register(
    Queue(
        name="whistle_calls",
        label=_("呼叫我单位的红哨子"),
        items=_calls_waiting_for,
        fields=("whistle_id", "title", "status"),
        link=_whistle_link,
        section=SECTION,
        order=8,
    )
)
workbench_queues.register(
    Queue(
        name="whistles_to_rate",
        label=_("问题已解决，请我评价"),
        items=lambda user: (
            Whistle.objects.filter(
                Exists(ProblemReport.objects.filter(whistle=OuterRef("pk"), reporter=user)),
                status=Whistle.Status.CLOSED,
            )
            .exclude(Exists(Rating.objects.filter(whistle=OuterRef("pk"), rater=user)))
            .order_by("-closed_at")
        ),
        link=_whistle_link,
        url="whistles:my_reports",
        section=SECTION,
        order=6,
    )
)
workbench_queues.register(
    Queue(
        name="reports_to_triage",
        label=_("待处理的问题反映"),
        items=_reports_to_triage,
        fields=("id", "category", "building__name", "spot"),
        describe=lambda row: f"{Category(row['category']).label} · {place_of(row['building__name'], row['spot'])}",
        link=_report_link,
        url="whistles:triage",
        section=REPORTS_SECTION,
        order=11,
    )
)
workbench_queues.register(
    Queue(
        name="whistles_overdue",
        label=_("有单位逾期未报到的红哨子"),
        staff_permission="whistles.triage_report",
        items=lambda user: Whistle.objects.filter(
            Exists(WhistleCall.objects.overdue().filter(whistle=OuterRef("pk")))
        ).order_by("report_in_by"),
        link=_whistle_link,
        url="whistles:triage",
        section=SECTION,
        order=13,
    )
)
workbench_queues.register(
    Queue(
        name="whistles_to_close",
        label=_("各单位已完成、可以结束的红哨子"),
        staff_permission="whistles.triage_report",
        items=lambda user: (
            Whistle.objects.open().exclude(calls__status__in=WhistleCall.WAITING_STATUSES).order_by("created")
        ),
        link=_whistle_link,
        url="whistles:triage",
        section=SECTION,
        order=14,
    )
)


# --- A partner unit's member: the unit, its open calls with the problem's photos ----------------


def _unit_panel_rows(user):
    # Whether the person acts for a unit or leads a team comes with the rest of 我的; the calls only for those who do.
    return {
        "units": PartnerUnit.objects.with_member(user).order_by("name", "pk").values("id", "name"),
        "teams": Team.objects.led_by(user).values("id")[:1],
    }


def _unit_panel(rows, user):
    if not rows["units"] and not rows["teams"]:
        return None
    units = instances(PartnerUnit, rows["units"])
    calls = list(_calls_waiting_for(user).select_related("whistle__building", "unit", "team"))
    photos = {}
    for photo in ReportPhoto.objects.filter(report__whistle__in=[call.whistle_id for call in calls]).select_related(
        "image", "report"
    ):
        photos.setdefault(photo.report.whistle_id, []).append(photo.image)
    for call in calls:
        call.photos = photos.get(call.whistle_id, [])[:3]
        call.overdue = call.is_overdue()
    return {"units": units, "calls": calls}


workbench.register(
    Part(
        name="whistles_unit",
        template="whistles/_me_unit_section.html",
        rows=_unit_panel_rows,
        context=_unit_panel,
        order=5,
    )
)
workbench.register(
    Part(name="whistles_reports", template="whistles/_me_section.html", context=lambda rows, user: {}, order=15)
)
