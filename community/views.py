"""Site-wide pages: home, "我的", registration, the elderly-mode switch, health and errors."""

import logging
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from community import audit, exports, home, insight, services
from community.forms import DeleteAccountForm, ProfileForm, RegistrationForm
from community.models import Image, Notification
from volunteers import models as volunteer_models

logger = logging.getLogger(__name__)

ELDERLY_COOKIE = "elderly"
ELDERLY_COOKIE_AGE = 365 * 24 * 3600


class PageMixin:
    """Gives a page its title and breadcrumbs (a list of (label, url); the last has no url)."""

    title = ""
    breadcrumbs = ()

    def get_title(self):
        return self.title

    def get_breadcrumbs(self):
        return list(self.breadcrumbs) or [(self.get_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("title", self.get_title())
        context.setdefault("breadcrumbs", self.get_breadcrumbs())
        return context


class HomeView(TemplateView):
    """The front page: what the community is, its news, and where to go next."""

    template_name = "community/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = home.sections()
        return context


class DashboardForm(forms.Form):
    """The dashboard's period: a preset, or a start and end date."""

    PRESETS = [("this_month", _("本月")), ("last_month", _("上月")), ("this_year", _("今年"))]
    preset = forms.ChoiceField(label=_("时间"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def period(self):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end") and data["start"] <= data["end"]:
            return insight.Period(data["start"], data["end"])
        return insight.Period.preset(data.get("preset") or "this_month")


class DashboardView(PermissionRequiredMixin, PageMixin, TemplateView):
    """The staff dashboard: wishes, volunteers, partner units, red whistle and news for a period."""

    permission_required = "community.view_dashboard"
    template_name = "community/dashboard.html"
    title = _("统计看板")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DashboardForm(self.request.GET or None)
        period = form.period()
        context["form"] = form
        context["data"] = insight.dashboard(period)
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
    period = DashboardForm(request.GET or None).period()
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


class PrivacyNoticeView(PageMixin, TemplateView):
    """The privacy notice residents agree to when they register."""

    template_name = "community/privacy.html"
    title = _("个人信息保护说明")


class AboutView(PageMixin, TemplateView):
    template_name = "community/about.html"
    title = _("关于本站")


class MeView(LoginRequiredMixin, PageMixin, TemplateView):
    """“我的”: the signed-in person's own page, the hub for everything that is theirs."""

    template_name = "community/me.html"
    title = _("我的")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        volunteer = volunteer_models.Volunteer.objects.filter(user=user).first()
        context["my_volunteer"] = volunteer
        if volunteer and volunteer.status == volunteer_models.Volunteer.Status.APPROVED:
            context["my_hours"] = volunteer.hours()
            context["my_signups"] = (
                volunteer.signups.filter(
                    status=volunteer_models.SignUp.Status.SIGNED_UP,
                    activity__status=volunteer_models.Activity.Status.OPEN,
                )
                .select_related("activity")
                .order_by("activity__starts_at")
            )
            context["my_led_teams"] = volunteer_models.Team.objects.led_by(user)
        context["my_workstations"] = volunteer_models.Workstation.objects.filter(leader=user)
        context["my_appointments"] = user.appointments.select_related("workstation").order_by("-day")[:10]
        context["contact_views"] = user.contact_views.select_related("viewer").order_by("-created")[:20]
        return context


class InboxView(LoginRequiredMixin, PageMixin, ListView):
    """The signed-in person's notifications, newest first; unread ones stand out."""

    template_name = "community/inbox.html"
    paginate_by = 20
    title = _("消息")

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user).order_by("-created")

    def get_breadcrumbs(self):
        return [(gettext("我的"), reverse("me")), (self.title, None)]


@login_required
def my_data(request):
    """Download everything the portal holds about oneself, as JSON."""
    import json

    data = services.user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = "attachment; filename=my-data.json"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@sensitive_post_parameters("password")
def delete_account(request):
    """Delete one's own account after confirming the password; public history stays, anonymised."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.success(request, gettext("您的账号已注销，个人信息已删除。感谢您曾经的参与。"))
        return HttpResponseRedirect(reverse("home"))
    return render(
        request,
        "community/delete_account.html",
        {
            "form": form,
            "title": gettext("注销账号"),
            "breadcrumbs": [(gettext("我的"), reverse("me")), (gettext("注销账号"), None)],
        },
    )


@login_required
def open_notification(request, pk):
    """Mark one's own notification read and go where it points (or back to the inbox)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notification.mark_read()
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    return HttpResponseRedirect(target or reverse("inbox"))


@login_required
@require_POST
def read_all_notifications(request):
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(request, gettext("全部消息已标为已读。"))
    return HttpResponseRedirect(reverse("inbox"))


class CallListView(PermissionRequiredMixin, PageMixin, ListView):
    """待电话通知: unread notifications of residents without email who have not logged in since.

    Staff with the call permission (grid workers) phone them and record it.
    """

    permission_required = "community.call_residents"
    template_name = "community/call_list.html"
    title = _("待电话通知")
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.needing_a_call()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit.record_contact_views(
            subjects=[n.recipient for n in context["object_list"] if n.recipient.login_is_phone],
            viewer=self.request.user,
            viewer_role=gettext("社区工作人员"),
            context=gettext("待电话通知名单"),
        )
        return context


@permission_required("community.call_residents", raise_exception=True)
@require_POST
def mark_phoned(request, pk):
    notification = get_object_or_404(Notification.objects.needing_a_call(), pk=pk)
    notification.mark_phoned(by=request.user)
    messages.success(request, gettext("已登记：电话通知了%(name)s。") % {"name": notification.recipient.display_name})
    return HttpResponseRedirect(reverse("call_list"))


class ProfileUpdateView(LoginRequiredMixin, PageMixin, UpdateView):
    """A person edits their own display name and email."""

    form_class = ProfileForm
    template_name = "community/profile_form.html"
    title = _("修改个人资料")
    success_url = reverse_lazy("me")

    def get_breadcrumbs(self):
        return [(gettext("我的"), reverse("me")), (self.title, None)]

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, gettext("个人资料已保存。"))
        return super().form_valid(form)


@method_decorator(sensitive_post_parameters("password1", "password2", "username"), name="dispatch")
class RegisterView(PageMixin, CreateView):
    """Create a resident account and sign the new resident in."""

    form_class = RegistrationForm
    template_name = "registration/register.html"
    title = _("注册")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return HttpResponseRedirect(reverse("me"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend="community.backends.LoginNameBackend")
        messages.success(self.request, gettext("注册成功，欢迎您，%(name)s!") % {"name": user.display_name})
        return HttpResponseRedirect(reverse("me"))


def elderly_mode(request):
    """Switch the elderly-friendly mode on or off (适老化模式).

    A plain link that sets a cookie, so that it works without JavaScript and
    is remembered by the browser. It changes only how pages look, so a GET is
    acceptable here.
    """
    turn_on = request.GET.get("on") == "1"
    target = request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = HttpResponseRedirect(target)
    if turn_on:
        response.set_cookie(
            ELDERLY_COOKIE, "1", max_age=ELDERLY_COOKIE_AGE, samesite="Lax", secure=settings.HTTPS, httponly=True
        )
    else:
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    return response


def private_photo(request, key, width):
    """A photo that is not public: served only to someone the owning feature says may see it."""
    from django.http import FileResponse, Http404

    from community.images import may_view_photo, storage_for

    image = Image.objects.filter(key=key, private=True).first()
    rendition = next((r for r in image.renditions if r[0] == width), None) if image else None
    if rendition is None or not may_view_photo(request.user, image):
        raise Http404
    response = FileResponse(storage_for(image).open(rendition[2]), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=600"
    return response


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"db": "unavailable"}, status=503)
    return JsonResponse({"db": "ok"})


def server_error(request):
    """The 500 page: the friendly one if it can be drawn, a bare one if even that fails.

    A database outage that escaped the views (e.g. in a middleware) gets the 503 page.
    """
    import sys

    from django.db import InterfaceError, OperationalError

    from community.middleware import database_unavailable_response

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable_response(request)
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The 500 page itself failed to render")
        return HttpResponseServerError(
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>服务暂时出错</title>'
            "<h1>抱歉，服务暂时出错</h1><p>请稍后再试，或拨打社区电话。</p></html>"
        )
