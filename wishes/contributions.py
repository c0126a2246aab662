"""What micro-wishes add to other pages: the home page, 我的, team and partner-unit pages, personal data."""

import contextlib

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.contributions import (
    WISH,
    Figure,
    Part,
    Queue,
    ServiceLine,
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
from community.images import register_photo_access
from community.models import Building, User
from community.together import count_of, first_n, instances
from volunteers.contributions import team_page, unit_page
from wishes.models import DELETED_RESIDENT, SECTION, Wish, WishClaim, WishError, may_view_wish_photo

register_photo_access(may_view_wish_photo)


# --- The home page ------------------------------------------------------------------------


def _home_rows(year_start):
    return {
        "open": Wish.objects.filter(status=Wish.Status.PUBLISHED)
        .order_by("-published_at")
        .values(
            "id",
            "title",
            "status",
            "category",
            "needed_by",
            "resident_name",
            "building__name",
            "owner__id",
            "owner__display_name",
        )[:3],
        # The partner units to thank: who fulfilled most wishes this year.
        "units": Wish.objects.fulfilled()
        .filter(fulfilled_at__gte=year_start, live_claim__unit__isnull=False)
        .values(unit_id=F("live_claim__unit"), name=F("live_claim__unit__name"))
        .annotate(fulfilled=Count("pk"))
        .order_by("-fulfilled", "name")[:5],
    }


home_page.register(
    Part(
        name="wishes",
        template="wishes/_home_section.html",
        rows=_home_rows,
        context=lambda rows, year_start: {
            "open_wishes": instances(Wish, rows["open"], building=Building, owner=User),
            "thanked_units": rows["units"],
        },
        section=SECTION,
        order=20,
    )
)
home_figures.register(
    Figure(
        name="wishes_fulfilled",
        label=_("今年实现心愿"),
        rows=lambda start: count_of(Wish.objects.fulfilled().filter(fulfilled_at__gte=start)),
        section=SECTION,
        order=10,
    )
)


# --- Team and partner-unit pages ---------------------------------------------------------------


def _fulfilled_part(name, wishes_of, *, heading, newest):
    """The wishes someone fulfilled: a figure in the page's row, and the newest few as a list."""
    return Part(
        name=name,
        template="wishes/_fulfilled_part.html",
        rows=lambda subject: {
            "count": count_of(wishes_of(subject)),
            "newest": wishes_of(subject)
            .order_by("-fulfilled_at", "-id")
            .values("id", "title", "building__name")[:newest],
        },
        context=lambda rows, subject: {
            "heading": heading,
            "wishes": instances(Wish, rows["newest"], building=Building),
        },
        figures=lambda rows, subject: [(_("帮助实现心愿"), first_n(rows["count"]))],
        section=SECTION,
        order=10,
    )


team_page.register(
    _fulfilled_part("wishes", Wish.objects.fulfilled_by_members_of, heading=_("队员帮助实现的心愿"), newest=10)
)
unit_page.register(_fulfilled_part("wishes", Wish.objects.fulfilled_for, heading=_("实现的心愿"), newest=20))


# --- 我的 ----------------------------------------------------------------------------------

workbench.register(Part(name="wishes", template="wishes/_me_section.html", context=lambda rows, user: {}, order=10))


# --- A person's year of service -------------------------------------------------------------


@service_record.register
def wishes_fulfilled(subject):
    """The wishes ``user`` fulfilled in the year (for themselves or for their unit), on the day they delivered."""
    user, year = subject
    start, end = year_bounds(year)
    wishes = (
        Wish.objects.fulfilled()
        .filter(live_claim__claimant=user, fulfilled_at__gte=start, fulfilled_at__lt=end)
        .select_related("live_claim__unit")
        .order_by("fulfilled_at")
    )
    return [
        ServiceLine(
            kind=WISH,
            day=timezone.localdate(wish.fulfilled_at),
            title=gettext("实现心愿“%(title)s”") % {"title": wish.title}
            + (gettext("（代表%(unit)s）") % {"unit": wish.live_claim.unit.name} if wish.live_claim.unit_id else ""),
            url=wish.get_absolute_url(),
        )
        for wish in wishes
    ]


# --- Personal data -------------------------------------------------------------------------


@personal_data_export.register
def export_wishes(user):
    return {
        "wishes": [
            {
                "title": w.title,
                "description": w.description,
                "category": w.get_category_display(),
                "status": w.get_status_display(),
                "building": w.building.name,
                "contact_phone": w.contact_phone,
                "contact_address": w.contact_address,
                "created": export_time(w.created),
                "thanks": w.thanks,
            }
            for w in Wish.objects.filter(owner=user).select_related("building")
        ],
        "claims": [
            {
                "wish": c.wish.title,
                "claimed": export_time(c.created),
                "ended": export_time(c.ended_at),
                "unit": c.unit.name if c.unit_id else "",
            }
            for c in WishClaim.objects.filter(claimant=user).select_related("wish", "unit")
        ],
    }


@personal_data_erase.register
def erase_wishes(user):
    """Open wishes are withdrawn; every wish stays on the wall's history under no name, without contact details."""
    for wish in Wish.objects.filter(owner=user, status__in=[Wish.Status.SUBMITTED, Wish.Status.PUBLISHED]):
        with contextlib.suppress(WishError):  # moved on in the meantime; anonymised below all the same
            wish.withdraw(by=user, reason="居民注销账号")
    Wish.objects.filter(owner=user).update(
        owner=None,
        resident_name=DELETED_RESIDENT,
        contact_phone="",
        contact_address="",
        contact_erased_at=timezone.now(),
    )


# --- What waits on 我的 ------------------------------------------------------------------------


def _wish_link(row):
    return reverse("wishes:detail", kwargs={"pk": row["id"]})


workbench_queues.register(
    Queue(
        name="wishes_to_confirm",
        label=_("已实现，等我确认的心愿"),
        items=lambda user: Wish.objects.filter(owner=user, status=Wish.Status.FULFILLED).order_by("fulfilled_at"),
        link=_wish_link,
        url="wishes:mine",
        section=SECTION,
        order=5,
    )
)
workbench_queues.register(
    Queue(
        name="wishes_claimed",
        label=_("我认领、还没实现的心愿"),
        items=lambda user: Wish.objects.claimed_by(user).filter(status=Wish.Status.CLAIMED).order_by("needed_by"),
        link=_wish_link,
        url="wishes:claimed",
        section=SECTION,
        order=20,
    )
)
workbench_queues.register(
    Queue(
        name="wishes_to_review",
        label=_("待审核的心愿"),
        staff_permission="wishes.review_wish",
        items=lambda user: Wish.objects.filter(status=Wish.Status.SUBMITTED).order_by("created"),
        link=_wish_link,
        url="wishes:review",
        section=SECTION,
        order=10,
    )
)
workbench_queues.register(
    Queue(
        name="wishes_unclaimed",
        label=_("发布超过7天还没人认领的心愿"),
        staff_permission="wishes.review_wish",
        items=lambda user: Wish.objects.unclaimed_too_long().order_by("published_at"),
        link=_wish_link,
        section=SECTION,
        order=40,
    )
)
