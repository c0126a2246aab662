"""The portal's own pages, gathering every app: home, 我的, the staff dashboard, exports and one's own data."""

import json
from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import DetailView, FormView, ListView, TemplateView

from community import audit
from community.contributions import gather, home_figures, home_page, kept_waiting_for, workbench
from community.forms import DeleteAccountForm
from community.models import PARTY, Building, ContactView, Grid, Home, User, confirms_homes
from community.pagecache import KeptPage
from community.pages import PageMixin
from community.privacy import mask_phone
from community.together import count_of, fetch_together, first_n, instances
from portal import dashboard, exports, home, personal_data
from portal.forms import DashboardForm
from volunteers.models import SECTION as VOLUNTEERS
from volunteers.models import Activity
from whistles.models import REPORTS_SECTION, ProblemReport, Whistle
from whistles.models import SECTION as WHISTLES
from wishes.models import SECTION as WISHES
from wishes.models import Wish


class HomeView(TemplateView):
    """The front page: what the community is, its news, and where to go next (the apps' parts)."""

    template_name = "portal/home.html"
    kept_page = KeptPage(slots=(home_page, home_figures))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = home.html()
        return context


def robots_txt(request):
    """For search engines: what to index and where the sitemap is; nothing personal or staff-only."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /me/",
        "Disallow: /staff/",
        "Disallow: /accounts/",
        "Disallow: /photos/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class MeView(LoginRequiredMixin, PageMixin, TemplateView):
    """“我的”: the signed-in person's own page, the hub for everything that is theirs (the apps' panels)."""

    template_name = "portal/me.html"
    title = _("我的")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["waiting"] = kept_waiting_for(user)
        # The apps' panels, the person's home and who saw their contact details lately, in one query.
        gathered = gather(
            workbench,
            user,
            request=self.request,
            home=Home.objects.filter(resident=user).values(
                "id", "unit", "room", "confirmed_at", "building__id", "building__name"
            )[:1],
            contact_views=user.contact_views.order_by("-created", "-pk").values(
                "id", "created", "viewer_role", "context", "viewer__id", "viewer__display_name"
            )[:20],
        )
        context["panels"] = gathered.html
        homes = instances(Home, gathered.rows["home"], building=Building)
        context["home"] = homes[0] if homes else None
        context["confirms_homes"] = confirms_homes(user)
        context["contact_views"] = instances(ContactView, gathered.rows["contact_views"], viewer=User)
        return context


# --- Grids (网格): each grid's page gathers its buildings, its branch, and what happened there ----------------------

GRID_RECENT = 6


class GridListView(PageMixin, ListView):
    """网格: the community's grids, each with its grid worker, buildings and party branch."""

    template_name = "portal/grid_list.html"
    title = _("网格")
    kept_page = KeptPage(sections=(PARTY,))

    def get_queryset(self):
        return (
            Grid.objects.select_related("grid_worker", "party_branch")
            .annotate(building_count=Count("buildings", distinct=True))
            .order_by("order", "name")
        )


class GridView(PageMixin, DetailView):
    """A grid in public: its range, grid worker (public name) and duty phone — masked, in full (a tel: link) for
    staff and residents whose confirmed home is in the grid —, its buildings, its party branch, and what happened
    there lately: public wishes and whistles in its buildings, the events its branch hosted."""

    template_name = "portal/grid_detail.html"
    context_object_name = "grid"
    kept_page = KeptPage(sections=(PARTY, VOLUNTEERS, WISHES, WHISTLES, REPORTS_SECTION))

    def get_queryset(self):
        return Grid.objects.select_related("grid_worker", "party_branch__secretary")

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [(gettext("网格"), reverse("grids")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grid, user = self.object, self.request.user
        branch = getattr(grid, "party_branch", None)
        year_start = timezone.make_aware(datetime(timezone.localdate().year, 1, 1))
        # Buildings, recent wishes, whistles and branch events, and this year's figures, in one query.
        found = fetch_together(
            buildings=grid.buildings.order_by("order", "name").values("id", "name", "households"),
            wishes=Wish.objects.public()
            .filter(building__grid=grid)
            .order_by("-published_at", "-id")
            .values("id", "title", "status", "category", "published_at", "building__name")[:GRID_RECENT],
            whistles=Whistle.objects.filter(building__grid=grid)
            .order_by("-created", "-id")
            .values("id", "title", "status", "created", "spot", "building__name")[:GRID_RECENT],
            activities=Activity.objects.filter(branch_id=branch.pk if branch else 0)
            .exclude(status=Activity.Status.CANCELLED)
            .order_by("-starts_at")
            .values("id", "title", "starts_at", "ends_at", "place", "status")[:GRID_RECENT],
            wish_count=count_of(Wish.objects.public().filter(building__grid=grid, published_at__gte=year_start)),
            report_count=count_of(ProblemReport.objects.filter(building__grid=grid, created__gte=year_start)),
            whistle_count=count_of(Whistle.objects.filter(building__grid=grid, created__gte=year_start)),
        )
        buildings = instances(Building, found["buildings"])
        context |= {
            "branch": branch,
            "buildings": buildings,
            "households": sum(building.households or 0 for building in buildings),
            "wishes": instances(Wish, found["wishes"], building=Building),
            "whistles": instances(Whistle, found["whistles"], building=Building),
            "activities": instances(Activity, found["activities"]),
            "figures": [
                (gettext("今年的心愿"), first_n(found["wish_count"])),
                (gettext("今年的随手拍"), first_n(found["report_count"])),
                (gettext("今年的红哨子"), first_n(found["whistle_count"])),
            ],
            "masked_phone": mask_phone(grid.duty_phone),
        }
        if grid.duty_phone and grid.duty_phone_visible_to(user):
            context["full_phone"] = grid.duty_phone
            audit.record_contact_views(
                subjects=[grid],
                viewer=user,
                viewer_role=gettext("社区工作人员") if user.is_staff else gettext("本网格居民"),
                context=gettext("%(grid)s网格员电话") % {"grid": grid.name},
            )
        return context


class DashboardView(PermissionRequiredMixin, PageMixin, TemplateView):
    """The staff dashboard: wishes, volunteers, partner units, red whistle and news for a period."""

    permission_required = "community.view_dashboard"
    template_name = "portal/dashboard.html"
    title = _("统计看板")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DashboardForm(self.request.GET or None)
        context |= {"form": form, "earliest": DashboardForm.EARLIEST, "latest": DashboardForm.latest()}
        context["data"] = dashboard.kept_dashboard(form.period())
        params = self.request.GET.copy()
        params.pop("full", None)
        context["query"] = params.urlencode()
        return context


@permission_required("community.view_dashboard", raise_exception=True)
def export(request, kind, fmt):
    """CSV or XLSX of wishes, hours or attendance for the dashboard's period.

    Phone numbers and names come masked; ``full=1`` (for staff allowed to) gives
    them in full and records who asked for what, and when.
    """
    if kind not in exports.KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    form = DashboardForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # The dashboard says what is wrong with the dates, and keeps them.
        return HttpResponseRedirect(f"{reverse('dashboard')}?{request.GET.urlencode()}")
    period = form.period()
    full = request.GET.get("full") == "1" and request.user.has_perm("community.export_personal_data")
    if full:
        audit.record(
            actor=request.user,
            action="export.full",
            target=request.user,
            note=f"{kind} {period.first_day}–{period.last_day}",
        )
    build, label = exports.KINDS[kind]
    body, content_type = exports.render(build(period, full=full), fmt)
    response = HttpResponse(body, content_type=content_type)
    filename = f"{label}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required("community.confirm_partymembership", raise_exception=True)
def export_party_members(request, fmt):
    """CSV or XLSX of the confirmed party members, for staff who confirm memberships (and nobody else: party
    membership is sensitive personal data). Each download is recorded."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    audit.record(actor=request.user, action="export.party_members", target=request.user)
    body, content_type = exports.render(exports.party_members(), fmt)
    response = HttpResponse(body, content_type=content_type)
    filename = f"党员名单-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data(request):
    """Download everything the portal holds about oneself, as JSON."""
    data = personal_data.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = "attachment; filename=my-data.json"
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class DeleteAccountView(LoginRequiredMixin, PageMixin, FormView):
    """Delete one's own account after confirming the password; public history stays, anonymised."""

    form_class = DeleteAccountForm
    template_name = "portal/delete_account.html"
    title = _("注销账号")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        personal_data.user_delete(user=self.request.user)
        logout(self.request)
        messages.success(self.request, gettext("您的账号已注销，个人信息已删除。感谢您曾经的参与。"))
        return HttpResponseRedirect(reverse("home"))
