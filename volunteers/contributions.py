"""What volunteering adds to pages of the portal, and the slots of its own pages that the apps above fill.

Team and partner-unit pages show what their members did in other apps (the
wishes they fulfilled, the whistles they answered): wishes and whistles add
those parts to ``team_page`` and ``unit_page``, so that volunteers imports
neither.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.audit import record_contact_views
from community.contributions import (
    ACTIVITY,
    HOURS,
    Figure,
    Part,
    Queue,
    ServiceLine,
    Slot,
    call_list,
    export_time,
    home_figures,
    home_page,
    personal_data_erase,
    personal_data_export,
    service_record,
    workbench,
    workbench_queues,
    year_bounds,
)
from community.together import count_of, instances, total_of
from volunteers.models import (
    ACTIVITY_CARD_FIELDS,
    ACTIVITY_CARD_HOSTS,
    APPOINTMENTS,
    SECTION,
    Activity,
    Appointment,
    PartnerMembership,
    ServiceHourRecord,
    SignUp,
    Team,
    TeamMembership,
    Volunteer,
    Workstation,
    hour_totals,
    upcoming_events,
    upcoming_for_home,
)

# Parts of a team's page (subject: the Team) and of a partner unit's page (subject: the PartnerUnit).
team_page = Slot("服务队页面")
unit_page = Slot("共建单位页面")


# --- The home page ------------------------------------------------------------------------

home_page.register(
    Part(
        name="activities",
        template="volunteers/_home_upcoming.html",
        rows=lambda subject: {"upcoming": upcoming_for_home().values(*ACTIVITY_CARD_FIELDS)},
        context=lambda rows, subject: {"activities": instances(Activity, rows["upcoming"], **ACTIVITY_CARD_HOSTS)},
        section=SECTION,
        order=30,
    )
)
home_page.register(
    Part(
        name="events",
        template="volunteers/_home_events.html",
        rows=lambda subject: {"upcoming": upcoming_events(limit=4).values(*ACTIVITY_CARD_FIELDS)},
        context=lambda rows, subject: {"events": instances(Activity, rows["upcoming"], **ACTIVITY_CARD_HOSTS)},
        section=SECTION,
        order=25,
    )
)
home_figures.register(
    Figure(
        name="hours",
        label=_("今年志愿服务（小时）"),
        rows=lambda start: total_of(ServiceHourRecord.objects.filter(served_on__gte=start.date()), Sum("hours")),
        show=lambda n: floatformat(n, "0"),
        section=SECTION,
        order=20,
    )
)
home_figures.register(
    Figure(
        name="active_teams",
        label=_("今年活跃的服务队"),
        rows=lambda start: total_of(
            Activity.objects.filter(starts_at__gte=start).exclude(status=Activity.Status.CANCELLED),
            Count("team", distinct=True),
        ),
        section=SECTION,
        order=30,
    )
)


# --- 我的 ----------------------------------------------------------------------------------


def _workbench_rows(user):
    """Everything of the volunteering panel, fetched with the rest of 我的 in one query."""
    in_line = SignUp.waiting_up_to(OuterRef("activity_id"), OuterRef("created"), OuterRef("pk"))
    return {
        "volunteer": Volunteer.objects.filter(user=user)
        .order_by("-applied_at")
        .values("id", "status", "reject_reason")[:1],
        "hours": hour_totals(ServiceHourRecord.objects.filter(volunteer__user=user)),
        "led_teams": Team.objects.led_by(user).order_by("order", "name").values("id", "name"),
        "workstations": Workstation.objects.filter(leader=user).order_by("order", "name").values("id", "name"),
        "appointments": user.appointments.order_by("-day", "-pk").values(
            "id", "day", "start", "end", "status", "reply", "workstation__name"
        )[:10],
        "signups": SignUp.objects.filter(person=user, status__in=SignUp.LIVE, activity__status=Activity.Status.OPEN)
        .annotate(position=Subquery(count_of(in_line)))
        .order_by("activity__starts_at", "pk")
        .values(
            "id",
            "status",
            "code",
            "position",
            "activity__id",
            "activity__title",
            "activity__starts_at",
            "activity__place",
        ),
    }


def _workbench_context(rows, user):
    volunteer = instances(Volunteer, rows["volunteer"])[0] if rows["volunteer"] else None
    context = {
        "my_volunteer": volunteer,
        "my_workstations": instances(Workstation, rows["workstations"]),
        "my_appointments": instances(Appointment, rows["appointments"], workstation=Workstation),
        "my_signups": instances(SignUp, rows["signups"], activity=Activity),
    }
    if volunteer and volunteer.status == Volunteer.Status.APPROVED:
        hours = rows["hours"][0] if rows["hours"] else {}
        context["my_hours"] = {key: Decimal(str(hours.get(key) or 0)) for key in ("total", "year")}
        context["my_led_teams"] = instances(Team, rows["led_teams"])
    return context


workbench.register(
    Part(name="volunteering", template="volunteers/_me_section.html", rows=_workbench_rows, context=_workbench_context)
)


# --- A person's year of service -------------------------------------------------------------


@service_record.register
def activities_attended(subject):
    """The activities ``user`` attended in the year (checked in), each with the hours credited for it; hours
    adjusted without an activity are lines of their own. The hours are the volunteer's hour records served in
    the year (the rules of ``Volunteer.hours``), so the lines add up to the year's hours."""
    user, year = subject
    start, end = year_bounds(year)
    hours_by_activity, adjustments = {}, []
    records = ServiceHourRecord.objects.filter(
        volunteer__user=user, served_on__gte=start.date(), served_on__lt=end.date()
    ).order_by("served_on", "id")
    for record in records:
        if record.activity_id:
            hours_by_activity[record.activity_id] = hours_by_activity.get(record.activity_id, 0) + record.hours
        else:
            adjustments.append(record)
    attended = (
        Activity.objects.filter(
            Q(signups__person=user) | Q(signups__volunteer__user=user),
            signups__attended=True,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        | Activity.objects.filter(pk__in=list(hours_by_activity))
    ).distinct()
    lines = [
        ServiceLine(
            kind=ACTIVITY,
            day=timezone.localdate(activity.starts_at),
            title=gettext("参加活动“%(title)s”") % {"title": activity.title},
            hours=hours_by_activity.get(activity.pk),
            url=activity.get_absolute_url(),
        )
        for activity in attended
    ]
    lines += [
        ServiceLine(
            kind=HOURS,
            day=record.served_on,
            title=gettext("服务时长调整：%(reason)s") % {"reason": record.reason},
            hours=record.hours,
        )
        for record in adjustments
    ]
    return lines


# --- The staff call list: residents signed up by phone, without an account --------------------------------


def _call_list_context(rows, viewer):
    signups = list(SignUp.objects.needing_a_call()[:100])
    if not signups:
        return None
    record_contact_views(subjects=signups, viewer=viewer, viewer_role=_("社区工作人员"), context=_("待电话通知名单"))
    return {"signups": signups}


call_list.register(Part(name="signups", template="volunteers/_call_list_signups.html", context=_call_list_context))


# --- Personal data -------------------------------------------------------------------------


@personal_data_export.register
def export_volunteering(user):
    volunteer = Volunteer.objects.filter(user=user).first()
    return {
        "volunteer": None
        if volunteer is None
        else {
            "real_name": volunteer.real_name,
            "phone": volunteer.phone,
            "skills": volunteer.skills,
            "availability": volunteer.availability,
            "status": volunteer.get_status_display(),
            "applied": export_time(volunteer.applied_at),
            "teams": [
                {"team": m.team.name, "status": m.get_status_display(), "leader": m.is_leader}
                for m in TeamMembership.objects.filter(volunteer=volunteer).select_related("team")
            ],
            "hours": [
                {
                    "date": r.served_on.isoformat(),
                    "hours": str(r.hours),
                    "activity": r.activity.title if r.activity_id else "",
                    "kind": r.get_kind_display(),
                    "reason": r.reason,
                }
                for r in ServiceHourRecord.objects.filter(volunteer=volunteer).select_related("activity")
            ],
        },
        "sign_ups": [
            {
                "activity": s.activity.title,
                "starts": export_time(s.activity.starts_at),
                "status": s.get_status_display(),
                "check_in_code": s.code,
                "attended": s.attended,
                "rating": s.rating,
                "rating_comment": s.rating_comment,
                "signed_up": export_time(s.created),
            }
            for s in SignUp.objects.filter(person=user).select_related("activity").order_by("created")
        ],
        "partner_units": [m.unit.name for m in PartnerMembership.objects.filter(user=user).select_related("unit")],
        "appointments": [
            {
                "workstation": a.workstation.name,
                "day": a.day.isoformat(),
                "topic": a.topic,
                "phone": a.phone,
                "status": a.get_status_display(),
            }
            for a in Appointment.objects.filter(resident=user).select_related("workstation")
        ],
    }


@personal_data_erase.register
def erase_volunteering(user):
    """The volunteer's details go; hours stay (they count for teams), under no name."""
    Volunteer.objects.filter(user=user).update(
        real_name="已注销", phone="", skills="", availability="", show_on_honour_roll=False
    )
    TeamMembership.objects.filter(volunteer__user=user).update(status=TeamMembership.Status.LEFT, is_leader=False)
    PartnerMembership.objects.filter(user=user).delete()
    Appointment.objects.filter(resident=user).delete()
    # A volunteer's attendance counts for the team (hours stay); everything else about their sign-ups goes.
    SignUp.objects.filter(person=user, volunteer__isnull=True).delete()
    SignUp.objects.filter(person=user).update(person=None, rating_comment="")


# --- What waits on 我的 ------------------------------------------------------------------------


def _appointments_to_answer(user):
    if user.is_staff and user.has_perm("volunteers.change_appointment"):
        stations = Workstation.objects.all()
    else:
        stations = Workstation.objects.filter(leader=user)
    return Appointment.objects.filter(workstation__in=stations, status=Appointment.Status.REQUESTED).order_by(
        "day", "start"
    )


def _join_requests(user):
    teams = (
        Team.objects.all() if user.is_staff and user.has_perm("volunteers.change_team") else Team.objects.led_by(user)
    )
    return TeamMembership.objects.filter(team__in=teams, status=TeamMembership.Status.REQUESTED).order_by("created")


def _activities_to_check_in(user, now=None):
    """Activities whose check-in is open now (from shortly before the start) and not yet closed."""
    now = now or timezone.now()
    activities = Activity.objects.managed_by(user)
    opens = timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES_BEFORE)
    return activities.filter(
        status=Activity.Status.OPEN, starts_at__lte=now + opens, starts_at__gte=now - CHECK_IN_STAYS_OPEN
    ).order_by("starts_at")


# Queue rows come back as JSON (community/together.py): dates and times are ISO strings.
def _appointment_line(row):
    day = date_format(date.fromisoformat(row["day"]), "n月j日")
    return f"{row['workstation__name']} · {day} {row['start'][:5]}"


# An activity nobody closed stays on its leader's list this long after its start.
CHECK_IN_STAYS_OPEN = timedelta(days=7)

workbench_queues.register(
    Queue(
        name="appointments_proposed",
        label=_("工作室建议了新的预约时间，等我回复"),
        items=lambda user: Appointment.objects.filter(resident=user, status=Appointment.Status.PROPOSED).order_by(
            "day"
        ),
        fields=("id", "workstation__name", "day", "start"),
        describe=_appointment_line,
        link=lambda row: reverse("me") + "#me-appointments",
        section=APPOINTMENTS,
        order=7,
    )
)
workbench_queues.register(
    Queue(
        name="activities_to_check_in",
        label=_("今天要签到的活动"),
        items=_activities_to_check_in,
        fields=("id", "title", "starts_at"),
        describe=lambda row: f"{row['title']} · {timezone.localtime(datetime.fromisoformat(row['starts_at'])):%H:%M}",
        link=lambda row: reverse("volunteers:check_in", kwargs={"pk": row["id"]}),
        section=SECTION,
        order=12,
    )
)
workbench_queues.register(
    Queue(
        name="appointments_to_answer",
        label=_("等我确认的预约"),
        items=_appointments_to_answer,
        fields=("id", "workstation_id", "workstation__name", "day", "start"),
        describe=_appointment_line,
        link=lambda row: reverse("volunteers:appointments", kwargs={"pk": row["workstation_id"]}),
        section=APPOINTMENTS,
        order=25,
    )
)
workbench_queues.register(
    Queue(
        name="join_requests",
        label=_("申请入队的志愿者"),
        items=_join_requests,
        fields=("id", "team_id", "team__name", "volunteer__user__display_name"),
        describe=lambda row: f"{row['team__name']} · {row['volunteer__user__display_name']}",
        link=lambda row: reverse("volunteers:team", kwargs={"pk": row["team_id"]}) + "#manage-title",
        section=SECTION,
        order=28,
    )
)
workbench_queues.register(
    Queue(
        name="signups_to_phone",
        label=_("待电话通知的电话报名居民"),
        staff_permission="community.call_residents",
        items=lambda user: SignUp.objects.needing_a_call(),
        fields=("id", "contact_name", "activity__title"),
        describe=lambda row: f"{row['contact_name']}：{row['activity__title']}",
        link=lambda row: reverse("call_list"),
        url="call_list",
        section=SECTION,
        order=36,
    )
)
workbench_queues.register(
    Queue(
        name="volunteer_applications",
        label=_("待审核的志愿者申请"),
        staff_permission="volunteers.review_volunteer",
        items=lambda user: Volunteer.objects.filter(status=Volunteer.Status.APPLIED).order_by("applied_at"),
        fields=("id", "user__display_name"),
        describe=lambda row: row["user__display_name"],
        link=lambda row: reverse("volunteers:applications"),
        url="volunteers:applications",
        section=SECTION,
        order=30,
    )
)
