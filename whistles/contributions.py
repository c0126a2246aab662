"""What the red whistle adds to other pages: the home page's figures, partner-unit pages, personal data."""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.contributions import Figure, Part, export_time, home_figures, personal_data_erase, personal_data_export
from community.images import register_photo_access
from community.together import count_of, instances
from volunteers.contributions import unit_page
from whistles.models import (
    SECTION,
    ProblemReport,
    Rating,
    Whistle,
    WhistleCall,
    may_view_report_photo,
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
