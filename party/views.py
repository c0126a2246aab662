"""Pages of the party app, each part in a section of its own: party members (declaration, confirmation, the badge),
双报到, and the grid branches' party days.

Reads are generic views with PageMixin; changes go through one model call and end with ``run_action`` or
``ActionFormMixin`` (a refusal becomes a message)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from community import audit
from community.contributions import service_of, service_totals
from community.images import store_upload
from community.models import PartyBranch, PartyMembership, PartyMembershipError, decides_memberships, is_party_member
from community.pagecache import KeptPage, valid_until
from community.pages import ActionFormMixin, PageMixin, run_action
from community.together import count_of, fetch_together, first_n, instances
from party.forms import (
    AcknowledgeForm,
    BadgeForm,
    FeedbackForm,
    InServiceRegistrationForm,
    MembershipForm,
    PartyDayForm,
    PartyDaySummaryForm,
    PostsForm,
    ReasonForm,
    RejectMembershipForm,
    UnitRegistrationForm,
    YearForm,
)
from party.models import (
    REVIEW_PERMISSION,
    SECTION,
    FeedbackSheet,
    InServiceMember,
    PartyDay,
    may_manage_party_days,
    next_month_start,
    year_at_a_glance,
)
from party.services import membership_confirm, membership_reject
from volunteers.models import SECTION as VOLUNTEERS
from volunteers.models import Activity, PartnerUnit

# --- Party members: declaration, confirmation, the badge -------------------------------------------


class MembershipView(LoginRequiredMixin, PageMixin, FormView):
    """党员身份: the signed-in person's own declaration: declare or correct it (with the separate consent), see
    whether it is confirmed, withdraw it, and once confirmed choose 亮身份. Nobody else's membership is shown."""

    form_class = MembershipForm
    template_name = "party/membership.html"
    title = _("党员身份")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def membership(self):
        if not hasattr(self, "_membership"):
            self._membership = PartyMembership.objects.filter(member=self.request.user).select_related("branch").first()
        return self._membership

    def get_initial(self):
        m = self.membership()
        return {"organisation": m.organisation, "branch": m.branch, "joined_year": m.joined_year} if m else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.membership()
        context["Status"] = PartyMembership.Status
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            PartyMembership.declare(
                self.request.user,
                organisation=data["organisation"],
                branch=data["branch"],
                joined_year=data["joined_year"],
                consent=data["consent"],
            )
        except PartyMembershipError as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, gettext("已提交申报，支部书记或社区党务工作人员确认后会通知您。"))
        return HttpResponseRedirect(reverse("party:membership"))


@login_required
@require_POST
def withdraw_membership(request):
    membership = get_object_or_404(PartyMembership, member=request.user)
    return run_action(
        request,
        lambda: membership.withdraw(by=request.user),
        success=gettext("已撤回党员身份申报，相关信息已删除。"),
        back=reverse("party:membership"),
    )


@login_required
@require_POST
def show_badge(request):
    membership = get_object_or_404(PartyMembership, member=request.user)
    form = BadgeForm(request.POST)
    shown = form.is_valid() and form.cleaned_data["shown"]
    return run_action(
        request,
        lambda: membership.show_badge(form.cleaned_data["shown"], by=request.user),
        form=form,
        success=gettext("已亮身份：您的称呼旁会显示“党员”标识。")
        if shown
        else gettext("已取消亮身份：公开页面不再显示“党员”标识。"),
        back=reverse("party:membership"),
    )


class DeclarationsView(LoginRequiredMixin, PageMixin, ListView):
    """党员身份确认: the declarations the person may decide (all for staff with the permission, his branch's for a
    secretary), those waiting first; 403 for everyone else."""

    template_name = "party/declarations.html"
    title = _("党员身份确认")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        if not decides_memberships(self.request.user):
            raise PermissionDenied
        waiting_first = Case(
            When(status=PartyMembership.Status.DECLARED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return (
            PartyMembership.objects.visible_to(self.request.user)
            .select_related("member", "branch", "decided_by")
            .annotate(waiting_first=waiting_first)
            .order_by("waiting_first", "-declared_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["Status"] = PartyMembership.Status
        return context


@login_required
@require_POST
def confirm_membership(request, pk):
    membership = get_object_or_404(PartyMembership.objects.visible_to(request.user).select_related("member"), pk=pk)
    return run_action(
        request,
        lambda: membership_confirm(membership=membership, by=request.user),
        success=gettext("已确认 %(name)s 的党员身份。") % {"name": membership.member.display_name},
        back=reverse("party:declarations"),
    )


@login_required
@require_POST
def reject_membership(request, pk):
    membership = get_object_or_404(PartyMembership.objects.visible_to(request.user).select_related("member"), pk=pk)
    form = RejectMembershipForm(request.POST)
    return run_action(
        request,
        lambda: membership_reject(membership=membership, by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已告知 %(name)s 申报未通过。") % {"name": membership.member.display_name},
        back=reverse("party:declarations"),
    )


# --- Party days (主题党日) -----------------------------------------------------------------------------------------

YEAR = re.compile(r"20[0-9]{2}")
PARTY_DAY_FIELDS = (
    "id",
    "theme",
    "priority",
    "summary_at",
    "article_id",
    "attended",
    "activity__id",
    "activity__title",
    "activity__starts_at",
    "activity__ends_at",
    "activity__status",
)


class BranchView(PageMixin, DetailView):
    """A grid's party branch in public: its grid, secretary, description, how many members (no names), and its
    year of party days at a glance, month by month (held, planned, missed), with a year switch."""

    template_name = "party/branch_detail.html"
    context_object_name = "branch"
    kept_page = KeptPage(sections=(SECTION, VOLUNTEERS), parameters={"year": YEAR})

    def get_queryset(self):
        return PartyBranch.objects.select_related("grid", "secretary")

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        grid = self.object.grid
        return [(gettext("网格"), reverse("grids")), (grid.name, grid.get_absolute_url()), (self.object.name, None)]

    def year(self):
        today = timezone.localdate()
        asked = self.request.GET.get("year", "")
        year = int(asked) if YEAR.fullmatch(asked) else today.year
        return min(max(year, 2000), today.year + 1)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        branch, year = self.object, self.year()
        # The year's party days and the member count, in one query.
        found = fetch_together(
            days=PartyDay.objects.of_branch_in(branch, year).values(*PARTY_DAY_FIELDS),
            members=count_of(PartyMembership.objects.filter(branch=branch, status=PartyMembership.Status.CONFIRMED)),
        )
        party_days = instances(PartyDay, found["days"], activity=Activity)
        now = timezone.now()
        months = year_at_a_glance(party_days, year, now)
        # A planned month turns held or missed with time alone: keep the page no longer than that.
        valid_until(min((day.activity.ends_at for day in party_days if day.activity.ends_at > now), default=None))
        valid_until(next_month_start(now))
        may_manage = may_manage_party_days(self.request.user, branch)
        context |= {
            "year": year,
            "previous_year": year - 1 if year > 2000 else None,
            "next_year": year + 1 if year <= timezone.localdate().year else None,
            "months": months,
            "held_count": sum(month.state == "held" for month in months),
            "member_count": first_n(found["members"]),
            "may_manage": may_manage,
            "to_summarise": [
                day
                for day in reversed(party_days)
                if may_manage and day.activity.starts_at <= now and day.activity.status != Activity.Status.CANCELLED
            ],
        }
        return context


class PartyDayFormMixin(LoginRequiredMixin, ActionFormMixin, PageMixin):
    """Pages of a branch's secretary (and staff who manage activities): anyone else gets a 404."""

    def branch(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_manage_party_days(request.user, self.branch()):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PlanPartyDayView(PartyDayFormMixin, FormView):
    """Plan the branch's next party day (the first Saturday of the month is suggested): one event for its
    party members, hosted by the branch."""

    form_class = PartyDayForm
    template_name = "party/party_day_form.html"

    def branch(self):
        if not hasattr(self, "_branch"):
            self._branch = get_object_or_404(PartyBranch.objects.select_related("grid"), pk=self.kwargs["pk"])
        return self._branch

    def get_title(self):
        return gettext("安排主题党日")

    def get_breadcrumbs(self):
        branch = self.branch()
        return [(branch.name, branch.get_absolute_url()), (self.get_title(), None)]

    def get_initial(self):
        return PartyDayForm.suggested()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"branch": self.branch()}

    def perform(self, form):
        data = form.cleaned_data
        party_day = PartyDay.plan(
            branch=self.branch(),
            by=self.request.user,
            day=data["day"],
            start=data["start"],
            end=data["end"],
            theme=data["theme"],
            priority=data["priority"],
            place=data["place"],
            capacity=data["capacity"],
            signup_deadline=form.signup_deadline,
            description=data["description"],
        )
        self.success_message = gettext("已安排主题党日，支部党员现在可以报名了。")
        return party_day.activity.get_absolute_url()


class PartyDaySummaryView(PartyDayFormMixin, FormView):
    """After the day: record the summary and photos; then the news draft can be made from it."""

    form_class = PartyDaySummaryForm
    template_name = "party/party_day_summary.html"

    def party_day(self):
        if not hasattr(self, "_party_day"):
            self._party_day = get_object_or_404(
                PartyDay.objects.select_related("activity__branch", "article"), pk=self.kwargs["pk"]
            )
        return self._party_day

    def branch(self):
        return self.party_day().activity.branch

    def get_title(self):
        return gettext("主题党日总结")

    def get_breadcrumbs(self):
        party_day = self.party_day()
        return [
            (self.branch().name, self.branch().get_absolute_url()),
            (party_day.activity.title, party_day.activity.get_absolute_url()),
            (self.get_title(), None),
        ]

    def get_initial(self):
        return {"summary": self.party_day().summary}

    def get_context_data(self, **kwargs):
        party_day = self.party_day()
        return super().get_context_data(**kwargs) | {
            "party_day": party_day,
            "photos": party_day.photos.all(),
            "attended": party_day.activity.signups.filter(attended=True).count(),
        }

    def perform(self, form):
        party_day, user = self.party_day(), self.request.user
        photos = [
            store_upload(upload, alt=gettext("主题党日：%(theme)s") % {"theme": party_day.theme}, uploaded_by=user)
            for upload in form.photos()
        ]
        party_day.record_summary(by=user, summary=form.cleaned_data["summary"], photos=photos)
        self.success_message = gettext("总结已保存。")
        return reverse("party:party_day_summary", kwargs={"pk": party_day.pk})


@login_required
@require_POST
def draft_party_day_article(request, pk):
    """生成党群动态草稿: the summary becomes a news draft in 党群动态 for staff to edit and publish."""
    party_day = get_object_or_404(PartyDay.objects.select_related("activity__branch"), pk=pk)
    if not may_manage_party_days(request.user, party_day.activity.branch):
        raise Http404
    return run_action(
        request,
        lambda: party_day.draft_article(by=request.user),
        success=gettext("已生成党群动态草稿，社区工作人员修改后发布。"),
        back=reverse("party:party_day_summary", kwargs={"pk": pk}),
    )


# --- 双报到: in-service members and units report in; the yearly record and the feedback sheet ----------------


def _years():
    """The years a record page offers: this one and the four before."""
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 5, -1))


class ServiceRecordView(LoginRequiredMixin, PageMixin, TemplateView):
    """The signed-in person's printable record of a year (``?year=``): wishes fulfilled, activities attended with
    their hours, whistles answered, by day, with the year's totals. Only one's own."""

    template_name = "party/service_record.html"
    title = _("我的年度服务记录")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = YearForm.year_of(self.request)
        lines = service_of(self.request.user, year)
        context.update(year=year, years=_years(), lines=lines, totals=service_totals(lines), today=timezone.localdate())
        return context


class InServiceView(LoginRequiredMixin, PageMixin, ActionFormMixin, FormView):
    """在职党员报到: a confirmed party member registers (home unit, position, skills, times, service posts); once
    registered he sees his registration, changes his posts and reads the feedback sheets about him. Anyone else
    is told to declare party membership first."""

    template_name = "party/in_service.html"
    form_class = InServiceRegistrationForm
    title = _("在职党员报到")
    success_message = _("报到已提交，社区审核后会通知您。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.member = (
                InServiceMember.objects.filter(person=request.user).select_related("unit", "decided_by").first()
            )
            self.may_register = is_party_member(request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.may_register or (self.member and self.member.status != InServiceMember.Status.DECLINED):
            messages.error(request, gettext("请先登记党员身份，社区确认后再报到。"))
            return HttpResponseRedirect(request.path)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        if self.member is not None:
            return {
                "unit": self.member.unit_id,
                "position": self.member.position,
                "skills": self.member.skills,
                "availability": self.member.availability,
            }
        return {}

    def perform(self, form):
        data = dict(form.cleaned_data)
        InServiceMember.register(person=self.request.user, **data)
        return reverse("party:in_service")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        context.update(member=member, may_register=self.may_register)
        if member is not None:
            context["posts"] = list(member.posts.all())
            context["posts_form"] = PostsForm(initial={"posts": context["posts"]})
            context["sheets"] = list(member.feedback_sheets.order_by("-year"))
            context["acknowledge_form"] = AcknowledgeForm()
        return context


@login_required
@require_POST
def choose_posts(request):
    """The registered member changes the service posts he takes on."""
    member = get_object_or_404(InServiceMember, person=request.user)
    form = PostsForm(request.POST)
    return run_action(
        request,
        lambda: member.choose_posts(by=request.user, posts=list(form.cleaned_data["posts"])),
        form=form,
        success=gettext("认领的岗位已更新。"),
        back=reverse("party:in_service"),
    )


@login_required
@require_POST
def acknowledge_sheet(request, pk):
    """The member has read his feedback sheet (and may add a remark): now it may be printed for his unit."""
    sheet = get_object_or_404(FeedbackSheet, pk=pk, member__person=request.user)
    form = AcknowledgeForm(request.POST)
    return run_action(
        request,
        lambda: sheet.acknowledge(by=request.user, remark=form.cleaned_data["remark"]),
        form=form,
        success=gettext("已确认看过反馈表。"),
        back=reverse("party:in_service") + "#feedback",
    )


class UnitRegistrationView(LoginRequiredMixin, PageMixin, ActionFormMixin, FormView):
    """单位报到: a signed-in person registers a unit with its contact person; it is public once staff approve,
    and then the person who registered it is the unit's contact."""

    template_name = "party/register_unit.html"
    form_class = UnitRegistrationForm
    title = _("单位报到")
    success_message = _("单位报到已提交，社区审核通过后会通知您。")

    def perform(self, form):
        PartnerUnit.register(by=self.request.user, **form.cleaned_data)
        return reverse("me")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["my_registrations"] = PartnerUnit.objects.filter(registered_by=self.request.user).order_by(
            "-registered_at"
        )
        return context


class ReviewView(PermissionRequiredMixin, PageMixin, TemplateView):
    """Staff review what reported in: in-service members' registrations and units' registrations, oldest first.
    The units' contact phones are shown in full (recorded)."""

    permission_required = REVIEW_PERMISSION
    template_name = "party/review.html"
    title = _("双报到审核")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = list(
            InServiceMember.objects.filter(status=InServiceMember.Status.PENDING)
            .select_related("person", "unit")
            .prefetch_related("posts")
            .order_by("registered_at")
        )
        context["units"] = list(
            PartnerUnit.objects.filter(registration=PartnerUnit.Registration.PENDING)
            .select_related("registered_by")
            .order_by("registered_at")
        )
        audit.record_contact_views(
            subjects=context["units"],
            viewer=self.request.user,
            viewer_role=gettext("社区工作人员"),
            context=gettext("双报到审核"),
        )
        return context


def _decide(request, obj, approve, *, approved, declined):
    back = reverse("party:in_service_review")
    if approve:
        return run_action(request, lambda: obj.approve(by=request.user), success=approved, back=back)
    form = ReasonForm(request.POST)
    return run_action(
        request,
        lambda: obj.decline(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=declined,
        back=back,
    )


@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_POST
def decide_member(request, pk, approve):
    member = get_object_or_404(InServiceMember, pk=pk)
    return _decide(request, member, approve, approved=gettext("已通过报到。"), declined=gettext("已退回报到。"))


@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_POST
def decide_unit(request, pk, approve):
    unit = get_object_or_404(PartnerUnit, pk=pk)
    return _decide(request, unit, approve, approved=gettext("单位报到已通过。"), declined=gettext("已退回单位报到。"))


class UnitMembersView(LoginRequiredMixin, PageMixin, TemplateView):
    """A unit contact (单位联系人) sees the in-service members of his unit who reported in: names, posts and
    masked phones, nothing else."""

    template_name = "party/unit_members.html"
    title = _("本单位报到的在职党员")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = list(PartnerUnit.objects.with_contact(self.request.user))
        if not units:
            raise Http404
        members = (
            InServiceMember.objects.approved()
            .filter(unit__in=units)
            .select_related("person", "unit")
            .prefetch_related("posts")
        )
        context["units"] = [(unit, [m for m in members if m.unit_id == unit.pk]) for unit in units]
        return context


def _members_of(units, year):
    """Approved members of ``units`` with their posts, the year's sheet and their service totals."""
    members = list(
        InServiceMember.objects.approved()
        .filter(unit__in=units)
        .select_related("person", "unit")
        .prefetch_related(
            "posts", Prefetch("feedback_sheets", queryset=FeedbackSheet.objects.filter(year=year), to_attr="sheets")
        )
        .order_by("unit__name", "registered_at")
    )
    for member in members:
        member.lines = service_of(member.person, year)
        member.totals = service_totals(member.lines)
        member.sheet = member.sheets[0] if member.sheets else None
    return members


class UnitsView(PermissionRequiredMixin, PageMixin, TemplateView):
    """Staff: per unit, its registered in-service members and what each did in the year (``?year=``), with the
    state of each member's feedback sheet and the way to the unit's printable sheet."""

    permission_required = REVIEW_PERMISSION
    template_name = "party/units.html"
    title = _("各单位在职党员服务情况")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = YearForm.year_of(self.request)
        units = list(PartnerUnit.objects.approved().filter(in_service_members__status="approved").distinct())
        members = _members_of(units, year)
        context.update(
            year=year, years=_years(), units=[(unit, [m for m in members if m.unit_id == unit.pk]) for unit in units]
        )
        return context


class FeedbackFormView(PermissionRequiredMixin, PageMixin, ActionFormMixin, FormView):
    """Staff write a member's evaluation for a year; the member is told and sees it before it is printed."""

    permission_required = REVIEW_PERMISSION
    template_name = "party/feedback_form.html"
    form_class = FeedbackForm
    title = _("填写双报到反馈表")
    success_message = _("反馈表已保存，本人看过后就可以打印。")

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():  # before looking anything up: no 404 tells others what exists
            return self.handle_no_permission()
        self.member = get_object_or_404(
            InServiceMember.objects.approved().select_related("person", "unit"), pk=kwargs["pk"]
        )
        self.year = kwargs["year"]
        if not 2000 <= self.year <= timezone.localdate().year:
            raise Http404
        self.sheet = FeedbackSheet.objects.filter(member=self.member, year=self.year).first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"evaluation": self.sheet.evaluation} if self.sheet else {}

    def perform(self, form):
        FeedbackSheet.write(
            member=self.member, year=self.year, evaluation=form.cleaned_data["evaluation"], by=self.request.user
        )
        return reverse("party:units") + f"?year={self.year}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = service_of(self.member.person, self.year)
        context.update(member=self.member, year=self.year, sheet=self.sheet, lines=lines, totals=service_totals(lines))
        return context


class UnitFeedbackView(PermissionRequiredMixin, PageMixin, TemplateView):
    """The unit's yearly feedback sheet (双报到反馈表), printable: each member whose sheet he has seen, with his
    posts, service lines, totals, the evaluation and his remark; the others are listed as waiting."""

    permission_required = REVIEW_PERMISSION
    template_name = "party/unit_feedback.html"

    def get_title(self):
        return gettext("%(unit)s %(year)d年度在职党员双报到反馈表") % {"unit": self.unit.name, "year": self.year}

    def get_context_data(self, **kwargs):
        self.unit = get_object_or_404(PartnerUnit.objects.approved(), pk=kwargs["pk"])
        self.year = kwargs["year"]
        if not 2000 <= self.year <= timezone.localdate().year:
            raise Http404
        context = super().get_context_data(**kwargs)
        members = _members_of([self.unit], self.year)
        context.update(
            unit=self.unit,
            year=self.year,
            years=_years(),
            ready=[m for m in members if m.sheet and m.sheet.ready_to_print],
            waiting=[m for m in members if not (m.sheet and m.sheet.ready_to_print)],
            today=timezone.localdate(),
        )
        return context


@permission_required(REVIEW_PERMISSION, raise_exception=True)
@require_POST
def print_feedback(request, pk, year):
    """Staff print the unit's sheet: the sheets its members have seen are marked printed."""
    unit = get_object_or_404(PartnerUnit.objects.approved(), pk=pk)
    return run_action(
        request,
        lambda: FeedbackSheet.mark_printed(unit=unit, year=year, by=request.user),
        success=gettext("已记录打印时间，请打印本页交给单位。"),
        back=reverse("party:unit_feedback", kwargs={"pk": pk, "year": year}),
    )
