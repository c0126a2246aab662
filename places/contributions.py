"""What the service circle adds to other pages: a part of the home page, a queue on staff's 我的, personal data."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.contributions import (
    Part,
    Queue,
    export_time,
    home_page,
    personal_data_erase,
    personal_data_export,
    workbench_queues,
)
from places.models import REPORTS_SECTION, SECTION, Category, Place, PlaceReport

# --- The home page: the way in, one link a category -----------------------------------------------


def _home_categories(rows, subject):
    counts = {row["category"]: row["n"] for row in rows["categories"]}
    if not counts:
        return None
    return {"categories": [(value, label, counts[value]) for value, label in Category.choices if value in counts]}


home_page.register(
    Part(
        name="places",
        template="places/_home_section.html",
        rows=lambda year_start: {
            "categories": Place.objects.shown().order_by().values("category").annotate(n=Count("id"))
        },
        context=_home_categories,
        section=SECTION,
        order=25,
    )
)


# --- Staff who keep the directory: the residents' reports ------------------------------------------

workbench_queues.register(
    Queue(
        name="place_reports",
        label=_("便民服务圈报错"),
        staff_permission="places.change_place",
        items=lambda user: PlaceReport.objects.waiting(),
        fields=("id", "place__name", "note"),
        describe=lambda row: f"{row['place__name']}：{row['note'][:24]}",
        link=lambda row: reverse("places:reports"),
        url="places:reports",
        section=REPORTS_SECTION,
        order=36,
    )
)


# --- Personal data -----------------------------------------------------------------------------


@personal_data_export.register
def export_place_reports(user):
    return {
        "place_reports": [
            {
                "place": report.place.name,
                "note": report.note,
                "status": report.get_status_display(),
                "reply": report.reply,
                "created": export_time(report.created),
            }
            for report in PlaceReport.objects.filter(reporter=user).select_related("place")
        ]
    }


@personal_data_erase.register
def erase_place_reports(user):
    """The notes stay (staff may still need them to correct the place), without their reporter."""
    PlaceReport.objects.filter(reporter=user).update(reporter=None)
