"""十五分钟便民服务圈 pages: the directory with its map, a place, reporting a wrong entry, staff's list of reports.

The directory and a place's page are public and kept for anonymous visitors (community/pagecache.py) until a
place on them opens or closes, or midnight comes (places/hours.py); a signed-in resident sees them sorted from
her home, which no kept page ever holds.
"""

import re

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from community.pagecache import KeptPage, valid_until
from community.pages import ActionFormMixin, PageMixin, run_action
from community.ratelimit import rate_limited
from places import directory, schematic
from places.forms import DirectoryForm, HandleReportForm, PlaceReportForm
from places.hours import days_text, week
from places.models import SECTION, Category, Place, PlaceReport

# What the directory's address may hold: a building's number and a category.
BUILDING = re.compile(r"[1-9][0-9]{0,8}")
CATEGORY = re.compile("|".join(Category.values))
TITLE = _("十五分钟便民服务圈")


class DirectoryMixin(PageMixin):
    """Reads the directory with walks from the building chosen in the address (?building=), else from the
    signed-in resident's home."""

    @cached_property
    def choices(self):
        """(category, building id) from the address; a wrong value counts as none."""
        return DirectoryForm(self.request.GET).choices()

    def read(self, **which):
        found = directory.read(building_id=self.choices[1], resident=self.request.user, **which)
        # The page says "营业中" and "明天 8:00 开门": a kept copy must not outlive the first change.
        valid_until(found.shown_until)
        return found

    @staticmethod
    def building_in_links(found):
        """The building the links of the page carry on (?building=): one chosen in the address, never the home."""
        return found.start.pk if found.start is not None and not found.from_home else None


class DirectoryView(DirectoryMixin, TemplateView):
    """The places, of one category or all, sorted by walking time from a building, with the community's map."""

    template_name = "places/place_list.html"
    title = TITLE
    kept_page = KeptPage(sections=(SECTION,), parameters={"building": BUILDING, "category": CATEGORY})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.choices[0]
        found = self.read(category=category)
        listed = {place.category for place in found.places}
        context.update(
            directory=found,
            category=category,
            category_label=Category(category).label if category else "",
            categories=[(value, Category(value).label) for value in found.categories if value in Category.values],
            building=self.building_in_links(found),
            community_map=schematic.draw(found.buildings, found.places, found.start),
            legend=[(value, label) for value, label in Category.choices if value in listed],
        )
        return context


class PlaceView(DirectoryMixin, TemplateView):
    """One place: whether it is open, its week and closures, how to call and reach it, and the walk from every
    building."""

    template_name = "places/place_detail.html"
    kept_page = KeptPage(sections=(SECTION,), parameters={"building": BUILDING})

    @cached_property
    def found(self):
        found = self.read(place_id=self.kwargs["pk"])
        if not found.places:
            raise Http404
        return found

    def get_title(self):
        return self.found.places[0].name

    def get_breadcrumbs(self):
        return [(TITLE, reverse("places:index")), (self.get_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.found
        place = found.places[0]
        today = found.now.date()
        context.update(
            directory=found,
            place=place,
            building=self.building_in_links(found),
            week=week(place.hour_rows),
            closures=[
                (days_text(closure.first_day, closure.last_day), closure.reason)
                for closure in sorted(place.closure_rows, key=lambda closure: closure.first_day)
                if closure.last_day >= today
            ],
            from_each_building=directory.walks_from_each_building(place, found.buildings),
        )
        return context


@method_decorator(rate_limited("place_report"), name="dispatch")
class ReportView(LoginRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """A signed-in resident tells the community that a place's entry is wrong."""

    form_class = PlaceReportForm
    template_name = "places/report_form.html"
    success_message = _("谢谢您！社区工作人员核实后会更正，处理好了会告诉您。")

    @cached_property
    def place(self):
        return get_object_or_404(Place.objects.shown(), pk=self.kwargs["pk"])

    def get_title(self):
        return gettext("“%(place)s”的信息有误") % {"place": self.place.name}

    def get_breadcrumbs(self):
        return [
            (TITLE, reverse("places:index")),
            (self.place.name, self.place.get_absolute_url()),
            (gettext("信息有误"), None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(place=self.place, **kwargs)

    def perform(self, form):
        PlaceReport.submit(place=self.place, by=self.request.user, note=form.cleaned_data["note"])
        return self.place.get_absolute_url()


class ReportListView(PermissionRequiredMixin, PageMixin, ListView):
    """Staff who keep the directory: the residents' reports still waiting, oldest first, each with a way to the
    place's admin page and a button to mark it handled."""

    permission_required = "places.change_place"
    template_name = "places/report_list.html"
    title = _("便民服务圈报错")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        return PlaceReport.objects.waiting().select_related("place", "reporter")

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=HandleReportForm(), **kwargs)


@permission_required("places.change_place", raise_exception=True)
@require_POST
def handle_report(request, pk):
    report = get_object_or_404(PlaceReport.objects.select_related("place", "reporter"), pk=pk)
    form = HandleReportForm(request.POST)
    return run_action(
        request,
        lambda: report.mark_handled(by=request.user, reply=form.cleaned_data["reply"]),
        form=form,
        success=gettext("已标记为已处理，报告人会收到通知。"),
        back=reverse("places:reports"),
    )
