"""The site's own pages: registration, profile, inbox, the call list, the elderly-mode switch, health and errors."""

import logging
import math
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError
from django.http import FileResponse, Http404, HttpResponseRedirect, HttpResponseServerError, JsonResponse
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
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView

from community import audit, dbrouter, login_guard, second_factor
from community.contributions import call_list, gather
from community.forms import HomeForm, ProfileForm, RegistrationForm, SecondFactorForm
from community.images import may_view_photo, storage_for
from community.models import Home, Image, Notification, confirms_homes
from community.pagecache import KeptPage
from community.pages import (
    ELDERLY_COOKIE,
    ELDERLY_COOKIE_AGE,
    PageMixin,
    database_unavailable_response,
    run_action,
    safe_next,
)

logger = logging.getLogger(__name__)


class PrivacyNoticeView(PageMixin, TemplateView):
    """The privacy notice residents agree to when they register."""

    template_name = "community/privacy.html"
    title = _("个人信息保护说明")
    kept_page = KeptPage()


class AboutView(PageMixin, TemplateView):
    template_name = "community/about.html"
    title = _("关于本站")
    kept_page = KeptPage()


class InboxView(LoginRequiredMixin, PageMixin, ListView):
    """The signed-in person's notifications, newest first; unread ones stand out."""

    template_name = "community/inbox.html"
    paginate_by = 20
    title = _("消息")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user).order_by("-created")


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
        context["parts"] = gather(call_list, self.request.user, request=self.request).html
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
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))
    success_url = reverse_lazy("me")

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
    response = HttpResponseRedirect(safe_next(request, reverse("home")))
    if turn_on:
        response.set_cookie(
            ELDERLY_COOKIE, "1", max_age=ELDERLY_COOKIE_AGE, samesite="Lax", secure=settings.HTTPS, httponly=True
        )
    else:
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    return response


def private_photo(request, key, width):
    """A photo that is not public: served only to someone the owning feature says may see it."""
    image = Image.objects.filter(key=key, private=True).first()
    rendition = next((r for r in image.renditions if r[0] == width), None) if image else None
    if rendition is None or not may_view_photo(request.user, image):
        raise Http404
    response = FileResponse(storage_for(image).open(rendition[2]), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=600"
    return response


@never_cache
def healthz(request):
    """Liveness, for the load balancer: this process answers (200). It asks no database: a server whose primary
    is down still serves kept pages and, with a replica, reads; taking every server out would serve nothing."""
    return JsonResponse({"alive": True})


@never_cache
def readyz(request):
    """Readiness, for deploys and monitoring: 200 when this server reaches the primary, 503 when not.

    The replica and Redis are reported (the server falls back when they fail) but not required.
    """
    report = {"primary": "ok" if dbrouter.answers(DEFAULT_DB_ALIAS) else "down"}
    if dbrouter.REPLICA in settings.DATABASES and settings.DATABASE_ROUTERS:
        state = dbrouter.check_replica(force=True)
        report["replica"] = "ok" if state.replica_usable else ("lagging" if state.replica_lag < math.inf else "down")
        report["replica_lag_seconds"] = round(state.replica_lag, 1) if state.replica_lag < math.inf else None
    if settings.REDIS_URL:
        report["redis"] = "ok" if caches["default"].ping() else "down"
    return JsonResponse(report, status=200 if report["primary"] == "ok" else 503)


def server_error(request):
    """The 500 page: the friendly one if it can be drawn, a bare one if even that fails.

    A database outage that escaped the views (e.g. in a middleware) gets the 503 page.
    """
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


class MyHomeView(LoginRequiredMixin, PageMixin, FormView):
    """我的住址: the resident sets or changes their home; the grid worker of its grid then confirms it."""

    form_class = HomeForm
    template_name = "community/home_form.html"
    title = _("我的住址")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_initial(self):
        home = Home.objects.filter(resident=self.request.user).first()
        return {"building": home.building, "unit": home.unit, "room": home.room} if home else {}

    def form_valid(self, form):
        Home.set_for(self.request.user, **form.cleaned_data)
        messages.success(self.request, gettext("住址已保存，网格员核实后会确认。"))
        return HttpResponseRedirect(reverse("me"))


class HomesToConfirmView(LoginRequiredMixin, PageMixin, ListView):
    """住址确认: the homes residents set in the grid worker's grids, waiting for him to confirm them."""

    template_name = "community/homes_to_confirm.html"
    title = _("住址确认")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        if not confirms_homes(self.request.user):
            raise PermissionDenied
        return Home.objects.waiting_for(self.request.user).select_related("resident", "building__grid")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit.record_contact_views(
            subjects=[home.resident for home in context["object_list"]],
            viewer=self.request.user,
            viewer_role=gettext("网格员"),
            context=gettext("住址确认"),
        )
        return context


@login_required
@require_POST
def confirm_home(request, pk):
    home = get_object_or_404(Home.objects.visible_to(request.user).select_related("building__grid"), pk=pk)
    return run_action(
        request,
        lambda: home.confirm(by=request.user),
        success=gettext("已确认住址：%(name)s") % {"name": home.resident.display_name},
        back=reverse("homes_to_confirm"),
    )


class SecondFactorVerifyView(LoginRequiredMixin, PageMixin, FormView):
    """The second step of signing in, for staff who have set up an authenticator."""

    form_class = SecondFactorForm
    template_name = "registration/second_factor_verify.html"
    title = _("两步验证")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and second_factor.owed(request) != second_factor.VERIFY:
            return HttpResponseRedirect(safe_next(request, reverse("me")))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "check": lambda code: second_factor.verify(self.request.user, code)}

    def form_valid(self, form):
        second_factor.mark_verified(self.request)
        if second_factor.is_recovery_code(form.device):
            left = second_factor.recovery_codes_left(self.request.user)
            messages.warning(
                self.request,
                gettext("您用了一个恢复码，还剩 %(left)s 个。用完前请在“账户安全”里重新生成。") % {"left": left},
            )
        return HttpResponseRedirect(safe_next(self.request, reverse("me")))


class SecondFactorEnrolView(LoginRequiredMixin, PageMixin, FormView):
    """Set up an authenticator app: scan the code (or type the key), then confirm with the six digits it shows."""

    form_class = SecondFactorForm
    template_name = "registration/second_factor_enrol.html"
    title = _("设置两步验证")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (_("账户安全"), reverse_lazy("account_security")), (title, None))

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not second_factor.may_have(request.user):
                raise PermissionDenied
            if not second_factor.may_change_authenticator(request):
                # Replacing the authenticator takes the current one first.
                return HttpResponseRedirect(reverse("second_factor_verify"))
            self.device = second_factor.start_enrolment(request.user, request.session)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        device = self.device
        return {**super().get_form_kwargs(), "check": lambda code: device if device.verify_token(code) else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            qr_svg=second_factor.qr_svg(self.device),
            key=second_factor.key_for_typing(self.device),
            required=second_factor.must_have(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        codes = second_factor.confirm_enrolment(self.request.user, self.device)
        second_factor.mark_verified(self.request)
        audit.record(actor=self.request.user, action="account.set_up_second_factor", target=self.request.user)
        return show_recovery_codes(self.request, codes)


def show_recovery_codes(request, codes):
    """Recovery codes are shown once, on the answer that made them (never kept to be shown again)."""
    response = render(
        request,
        "registration/recovery_codes.html",
        {"title": gettext("恢复码"), "codes": codes, "next": safe_next(request, reverse("account_security"))},
    )
    response["Cache-Control"] = "private, no-store"
    return response


class AccountSecurityView(LoginRequiredMixin, PageMixin, TemplateView):
    """The password and, for staff, the second factor and its recovery codes."""

    template_name = "registration/account_security.html"
    title = _("账户安全")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_context_data(self, **kwargs):
        user = self.request.user
        may_have = second_factor.may_have(user)
        return super().get_context_data(
            may_have_second_factor=may_have,
            must_have_second_factor=second_factor.must_have(user),
            authenticator=second_factor.authenticator(user) if may_have else None,
            recovery_codes_left=second_factor.recovery_codes_left(user) if may_have else 0,
            **kwargs,
        )


@require_POST
@login_required
def new_recovery_codes(request):
    if second_factor.authenticator(request.user) is None or not second_factor.may_change_authenticator(request):
        raise PermissionDenied
    codes = second_factor.new_recovery_codes(request.user)
    audit.record(actor=request.user, action="account.new_recovery_codes", target=request.user)
    return show_recovery_codes(request, codes)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Resetting the password proves the owner: strangers' failed logins no longer hold the account, and this
    browser becomes a known device for it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_guard.forget_failures(form.user)
        login_guard.remember_device(self.request, response, form.user)
        return response
