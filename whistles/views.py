"""红哨子 pages: the public board, a whistle's whole story, reporting a problem, triage, report-ins, ratings.

Reads are generic views; every change is a POST-only function view that finds
its object, checks who asks, calls one model method and ends with ``run_action``.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Case, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from community import audit
from community.images import store_upload
from community.models import Home, Image, User
from community.pagecache import PAGE_NUMBER, KeptPage
from community.pages import ActionFormMixin, PageMixin, run_action
from community.pagination import PositionPaginator
from community.ratelimit import rate_limited
from community.together import fetch_together, instances
from volunteers.models import PartnerUnit, Team
from whistles.forms import (
    CallMoreForm,
    CloseForm,
    DoneForm,
    HandForm,
    HideForm,
    MergeForm,
    OnBehalfReportForm,
    RatingForm,
    ReplyForm,
    ReportForm,
    ReportInForm,
    UpdateForm,
    WhistleForm,
    WithdrawCallForm,
)
from whistles.models import (
    SECTION,
    ProblemReport,
    Rating,
    ReportPhoto,
    Whistle,
    WhistleCall,
    WhistlePhoto,
    WhistleTransition,
    WhistleUpdate,
    unit_responsiveness,
)


class BoardView(PageMixin, ListView):
    """The public 红哨子 board: every whistle, its status and the units called."""

    template_name = "whistles/whistle_list.html"
    paginate_by = 12
    paginator_class = PositionPaginator
    title = _("红哨子")
    kept_page = KeptPage(sections=(SECTION,), parameters={"page": PAGE_NUMBER})

    def get_queryset(self):
        return Whistle.objects.for_board().order_by("-created", "-id")


IMAGE_FIELDS = ("id", "key", "alt", "width", "height", "renditions", "private")


class WhistleView(PageMixin, DetailView):
    """A whistle in the open: calls and report-in times, progress, before/after photos, ratings. No private data."""

    template_name = "whistles/whistle_detail.html"
    kept_page = KeptPage(sections=(SECTION,))

    def get_queryset(self):
        return Whistle.objects.select_related("building")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [(gettext("红哨子"), reverse("whistles:board")), (self.object.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        whistle, user = self.object, self.request.user
        now = timezone.now()
        found = self.related_rows(whistle, user)
        calls = instances(WhistleCall, found["calls"], unit=PartnerUnit, team=Team)
        updates = instances(WhistleUpdate, found["updates"], author=User)
        update_photos = instances(WhistleUpdate.photos.through, found["update_photos"], image=Image)
        for update in updates:
            update.photo_list = [photo.image for photo in update_photos if photo.whistleupdate_id == update.pk]
        # Units act, and residents rate, only while the whistle is open or just closed.
        my_units = {row["id"] for row in found.get("my_units", [])}
        my_teams = {row["id"] for row in found.get("my_teams", [])}
        mine = (
            {call.pk for call in calls if call.unit_id in my_units or call.team_id in my_teams}
            if whistle.status != Whistle.Status.CLOSED
            else set()
        )
        for call in calls:
            call.whistle = whistle
            call.overdue = call.is_overdue(now)
            call.mine = call.pk in mine
            call.visible_updates = [update for update in updates if update.call_id == call.pk]
        context["calls"] = calls
        photos = instances(WhistlePhoto, found["photos"], image=Image)
        context["before"] = [photo.image for photo in photos if photo.kind == WhistlePhoto.Kind.BEFORE]
        context["after"] = [photo.image for photo in photos if photo.kind == WhistlePhoto.Kind.AFTER]
        context["transitions"] = instances(WhistleTransition, found["transitions"])
        rated = whistle.status in (Whistle.Status.CLOSED, Whistle.Status.REOPENED)
        context["ratings"] = instances(Rating, found["ratings"]) if rated else []
        context["is_staff_triage"] = user.is_authenticated and user.is_staff and user.has_perm("whistles.triage_report")
        # A called unit's members (and staff) see the residents' photos of the problem, to know what to fix.
        if mine or context["is_staff_triage"]:
            context["problem_photos"] = [
                photo.image for photo in instances(ReportPhoto, found.get("problem_photos", []), image=Image)
            ]
        if context["is_staff_triage"] and whistle.status != Whistle.Status.CLOSED:
            waiting = [call for call in calls if call.status in WhistleCall.WAITING_STATUSES]
            context["waiting_names"] = "、".join(call.caller_name for call in waiting)
            context["withdraw_form"] = WithdrawCallForm(whistle=whistle) if waiting else None
            context["call_more_form"] = CallMoreForm()
        context["may_rate"] = (
            whistle.status == Whistle.Status.CLOSED
            and user.is_authenticated
            and not any(r.rater_id == user.pk for r in context["ratings"])
            and bool(found.get("reported"))
        )
        context.update(
            report_in_form=ReportInForm(),
            update_form=UpdateForm(),
            done_form=DoneForm(),
            close_form=CloseForm(),
            rating_form=RatingForm(),
        )
        return context

    @staticmethod
    def related_rows(whistle, user):
        """Everything the page shows around the whistle, in one query (community/together.py).

        For someone signed in, also what concerns them: the units they act for and
        the teams they lead, whether they reported the problem, its photos.
        """
        image = [f"image__{name}" for name in IMAGE_FIELDS]
        visible_updates = WhistleUpdate.objects.shown().filter(call__whistle=whistle)
        theirs = {}
        if user.is_authenticated:
            theirs = {
                "my_units": PartnerUnit.objects.with_member(user).values("id"),
                "my_teams": Team.objects.led_by(user).values("id"),
                "reported": ProblemReport.objects.filter(whistle=whistle, reporter=user).values("id")[:1],
                "problem_photos": ReportPhoto.objects.filter(report__whistle=whistle)
                .order_by("report", "order")
                .values(*image)[:6],
            }
        return fetch_together(
            **theirs,
            calls=whistle.calls.values(
                "id",
                "status",
                "people",
                "called_at",
                "reported_in_at",
                "done_at",
                "withdraw_reason",
                "unit__id",
                "unit__name",
                "team__id",
                "team__name",
            ),
            updates=visible_updates.values("id", "call", "text", "created", "author__id", "author__display_name"),
            update_photos=WhistleUpdate.photos.through.objects.filter(whistleupdate__in=visible_updates)
            .order_by("id")
            .values("whistleupdate", *image),
            photos=whistle.photos.values("kind", *image),
            transitions=whistle.transitions.values("to_status", "note", "created"),
            ratings=whistle.ratings.values("id", "score", "comment", "hidden_reason", "rater"),
        )


@method_decorator(sensitive_post_parameters("contact_phone"), name="dispatch")
@method_decorator(rate_limited("report"), name="dispatch")
class ReportProblemView(LoginRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """随手拍: a signed-in resident reports a problem with up to three photos."""

    form_class = ReportForm
    template_name = "whistles/report_form.html"
    title = _("随手拍 · 反映问题")
    breadcrumbs = ((_("红哨子"), reverse_lazy("whistles:board")), (_("反映问题"), None))
    success_message = _("谢谢您！问题已经上报，社区工作人员会尽快处理。")

    def get_initial(self):
        home = Home.objects.filter(resident=self.request.user).select_related("building").first()
        return {"building": home.building} if home else {}

    def perform(self, form):
        data = dict(form.cleaned_data)
        uploads = data.pop("photos")
        photos = [
            store_upload(u, alt=gettext("居民上报的问题照片"), uploaded_by=self.request.user, private=True)
            for u in uploads
        ]
        return ProblemReport.submit(by=self.request.user, photos=photos, **data).get_absolute_url()


@method_decorator(sensitive_post_parameters("contact_phone", "resident_name"), name="dispatch")
class ReportOnBehalfView(PermissionRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """Staff enter a report for a resident who phoned or came to the office without a smartphone (代录)."""

    permission_required = "whistles.triage_report"
    raise_exception = True
    form_class = OnBehalfReportForm
    template_name = "whistles/report_form.html"
    title = _("代居民反映问题")
    breadcrumbs = ((_("问题处理"), reverse_lazy("whistles:triage")), (title, None))
    success_message = _("已代居民登记问题，请在问题处理中跟进。")
    extra_context = {"on_behalf": True}

    def perform(self, form):
        data = dict(form.cleaned_data)
        uploads = data.pop("photos")
        photos = [
            store_upload(u, alt=gettext("居民反映的问题照片"), uploaded_by=self.request.user, private=True)
            for u in uploads
        ]
        return ProblemReport.submit(by=self.request.user, on_behalf=True, photos=photos, **data).get_absolute_url()


class ReportView(LoginRequiredMixin, PageMixin, DetailView):
    """A report, for its reporter and the staff who triage reports; others get 404."""

    template_name = "whistles/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return (
            ProblemReport.objects.visible_to(self.request.user)
            .select_related("building", "reporter", "whistle", "merged_into", "activity")
            .prefetch_related("photos__image", "transitions")
        )

    def get_title(self):
        return str(self.object)

    def get_breadcrumbs(self):
        return [(gettext("我反映的问题"), reverse("whistles:my_reports")), (str(self.object), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, report = self.request.user, self.object
        context["is_staff_triage"] = user.is_staff and user.has_perm("whistles.triage_report")
        if context["is_staff_triage"] and report.contact_phone:
            audit.record_contact_view(
                subject=report,
                viewer=user,
                viewer_role=gettext("社区工作人员"),
                context=gettext("问题上报：%(r)s") % {"r": report},
            )
        if context["is_staff_triage"] and report.status == ProblemReport.Status.SUBMITTED:
            context.update(reply_form=ReplyForm(), merge_form=MergeForm(report=report), hand_form=HandForm())
        return context


class MyReportsView(LoginRequiredMixin, PageMixin, ListView):
    """我反映的问题: the resident's own reports and what became of them."""

    template_name = "whistles/my_reports.html"
    title = _("我反映的问题")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        return ProblemReport.objects.filter(reporter=self.request.user).select_related("building", "whistle")


class TriageView(PermissionRequiredMixin, PageMixin, ListView):
    """Staff: reports waiting for a decision, oldest first; whistles with an overdue unit on top."""

    permission_required = "whistles.triage_report"
    template_name = "whistles/triage.html"
    title = _("问题处理")

    def get_queryset(self):
        # A grid worker sees the reports from his own grids first.
        mine = Case(When(building__grid__grid_worker=self.request.user, then=Value(0)), default=Value(1))
        return (
            ProblemReport.objects.filter(status=ProblemReport.Status.SUBMITTED)
            .select_related("building__grid")
            .prefetch_related("photos__image")
            .order_by(mine, "created")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        whistles = list(Whistle.objects.exclude(status=Whistle.Status.CLOSED).overdue_first(now).for_board()[:30])
        for whistle in whistles:
            whistle.late_calls = [c for c in whistle.calls.all() if c.is_overdue(now)]
        context["whistles"] = whistles
        return context


class BlowWhistleView(PermissionRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """Staff create a whistle from one or more reports (?reports=1,2) or from scratch."""

    permission_required = "whistles.triage_report"
    raise_exception = True
    form_class = WhistleForm
    template_name = "whistles/whistle_form.html"
    title = _("吹哨")
    breadcrumbs = ((_("问题处理"), reverse_lazy("whistles:triage")), (_("吹哨"), None))
    success_message = _("哨子已吹响，被呼叫的单位会收到通知。")

    def reports(self):
        """The reports the whistle answers, named in the address (?reports=1,2), still waiting."""
        ids = [int(pk) for pk in self.request.GET.get("reports", "").split(",") if pk.isdigit()]
        return list(
            ProblemReport.objects.filter(pk__in=ids, status=ProblemReport.Status.SUBMITTED).select_related("building")
        )

    def get_initial(self):
        reports = self.reports()
        if not reports:
            return {}
        first = reports[0]
        return {
            "reports": reports,
            "category": first.category,
            "building": first.building,
            "spot": first.spot,
            "description": "\n".join(r.description for r in reports if r.description),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(reports=self.reports(), **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        whistle = Whistle.blow(
            by=self.request.user,
            units=data.pop("units"),
            teams=data.pop("teams"),
            reports=data.pop("reports"),
            report_in_hours=data.pop("report_in_hours"),
            resolve_days=data.pop("resolve_days"),
            **data,
        )
        return whistle.get_absolute_url()


def _triage_action(request, pk, form_class, action, *, success):
    """A staff decision on a report: back to the triage queue when done, to the report when the form is wrong."""
    report = get_object_or_404(ProblemReport.objects.visible_to(request.user).select_related("building"), pk=pk)
    form = form_class(request.POST, report=report) if form_class is MergeForm else form_class(request.POST)
    back = reverse("whistles:triage") if form.is_valid() else report.get_absolute_url()
    return run_action(request, lambda: action(report, form.cleaned_data), form=form, success=success, back=back)


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def reply_to_report(request, pk):
    return _triage_action(
        request,
        pk,
        ReplyForm,
        lambda report, data: report.close_with_reply(by=request.user, reply=data["reply"]),
        success=gettext("已答复居民。"),
    )


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def merge_report(request, pk):
    return _triage_action(
        request,
        pk,
        MergeForm,
        lambda report, data: report.merge_into(data["target"], by=request.user),
        success=gettext("已合并，居民会收到通知。"),
    )


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def hand_report(request, pk):
    return _triage_action(
        request,
        pk,
        HandForm,
        lambda report, data: report.hand_to_volunteers(
            by=request.user, team=data["team"], title=data["title"], starts_at=data["starts_at"]
        ),
        success=gettext("已生成志愿活动。"),
    )


def _call_for(request, pk, call_pk):
    """The call, if ``request.user`` acts for its unit or team; others get 404."""
    call = get_object_or_404(WhistleCall.objects.select_related("whistle", "unit", "team"), pk=call_pk, whistle_id=pk)
    if not call.may_act(request.user):
        raise Http404
    return call


@login_required
@require_POST
def report_in(request, pk, call_pk):
    call = _call_for(request, pk, call_pk)
    form = ReportInForm(request.POST)
    return run_action(
        request,
        lambda: call.report_in(by=request.user, **form.cleaned_data),
        form=form,
        success=gettext("已报到，谢谢！"),
        back=call.whistle.get_absolute_url(),
    )


@login_required
@require_POST
def post_update(request, pk, call_pk):
    call = _call_for(request, pk, call_pk)
    form = UpdateForm(request.POST, request.FILES)

    def action():
        photos = [
            store_upload(u, alt=gettext("处理进展照片"), uploaded_by=request.user) for u in form.cleaned_data["photos"]
        ]
        call.post_update(by=request.user, text=form.cleaned_data["text"], photos=photos)

    return run_action(request, action, form=form, success=gettext("进展已发布。"), back=call.whistle.get_absolute_url())


@login_required
@require_POST
def mark_done(request, pk, call_pk):
    call = _call_for(request, pk, call_pk)
    form = DoneForm(request.POST)
    return run_action(
        request,
        lambda: call.mark_done(by=request.user, note=form.cleaned_data["note"]),
        form=form,
        success=gettext("已标记完成。"),
        back=call.whistle.get_absolute_url(),
    )


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def close_whistle(request, pk):
    whistle = get_object_or_404(Whistle, pk=pk)
    form = CloseForm(request.POST, request.FILES)

    def photos(field, alt):
        upload = form.cleaned_data[field]
        return [store_upload(upload, alt=alt, uploaded_by=request.user)] if upload else []

    return run_action(
        request,
        lambda: whistle.close(
            by=request.user,
            summary=form.cleaned_data["summary"],
            before_photos=photos("before_photo", gettext("处理前")),
            after_photos=photos("after_photo", gettext("处理后")),
        ),
        form=form,
        success=gettext("已结束，反映问题的居民会收到评价邀请。"),
        back=whistle.get_absolute_url(),
    )


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def withdraw_call(request, pk):
    """Staff stop waiting for a unit that does not answer; the whistle can then be closed without it."""
    whistle = get_object_or_404(Whistle, pk=pk)
    form = WithdrawCallForm(request.POST, whistle=whistle)
    return run_action(
        request,
        lambda: whistle.withdraw_call(form.cleaned_data["call"], by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已撤回呼叫，这个单位记为“未应哨”。"),
        back=whistle.get_absolute_url(),
    )


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def call_more(request, pk):
    """Staff call another unit or team to an open whistle (or call again after a resident was not satisfied)."""
    whistle = get_object_or_404(Whistle, pk=pk)
    form = CallMoreForm(request.POST)
    return run_action(
        request,
        lambda: whistle.call_more(by=request.user, **form.cleaned_data),
        form=form,
        success=gettext("已呼叫，被呼叫的单位会收到通知。"),
        back=whistle.get_absolute_url(),
    )


@login_required
@require_POST
def rate_whistle(request, pk):
    whistle = get_object_or_404(Whistle, pk=pk)
    form = RatingForm(request.POST)
    return run_action(
        request,
        lambda: whistle.rate(by=request.user, **form.cleaned_data),
        form=form,
        success=gettext("谢谢您的评价！"),
        back=whistle.get_absolute_url(),
    )


@permission_required("whistles.triage_report", raise_exception=True)
@require_POST
def hide(request, kind, pk):
    """Staff hide a unit's update or a resident's rating comment from the public page, with a reason."""
    model = {"update": WhistleUpdate, "rating": Rating}[kind]
    item = get_object_or_404(
        model.objects.select_related(*(("call__whistle",) if kind == "update" else ("whistle",))), pk=pk
    )
    whistle = item.call.whistle if kind == "update" else item.whistle
    form = HideForm(request.POST)
    return run_action(
        request,
        lambda: item.hide(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已隐藏，作者会看到原因。"),
        back=whistle.get_absolute_url(),
    )


class ResponsivenessView(PermissionRequiredMixin, PageMixin, TemplateView):
    """Staff: partner units that were called, ranked by how quickly they report in, for a period (default 90 days)."""

    permission_required = "whistles.triage_report"
    template_name = "whistles/responsiveness.html"
    title = _("共建单位响应情况")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = self.request.GET.get("days", "90")
        days = int(days) if days.isdigit() and 0 < int(days) <= 3650 else 90
        context["days"] = days
        rows = unit_responsiveness(start=timezone.now() - timedelta(days=days))
        context["rows"] = [row for row in rows if row["called"]]
        return context
