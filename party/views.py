"""Pages of the party app, each part in a section of its own: party members (declaration, confirmation, the badge),
双报到, and the grid branches' party days.

Reads are generic views with PageMixin; changes go through one model call and end with ``run_action`` or
``ActionFormMixin`` (a refusal becomes a message)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from community.images import store_upload
from community.lifecycle import NotAllowed
from community.models import PartyBranch, PartyMembership, PartyMembershipError, decides_memberships
from community.pagecache import KeptPage, valid_until
from community.pages import ActionFormMixin, PageMixin, run_action
from community.together import count_of, fetch_together, first_n, instances
from party.forms import BadgeForm, MembershipForm, PartyDayForm, PartyDaySummaryForm, RejectMembershipForm
from party.models import SECTION, PartyDay, may_manage_party_days, next_month_start, year_at_a_glance
from party.services import membership_confirm, membership_reject
from volunteers.models import SECTION as VOLUNTEERS
from volunteers.models import Activity

# --- Party members: declaration, confirmation, the badge -------------------------------------------


def _run(request, action, **kwargs):
    """``run_action`` for the declaration's verbs: their refusals (ground-floor errors) become messages too."""

    def guarded():
        try:
            action()
        except PartyMembershipError as refusal:
            raise NotAllowed(refusal.message) from refusal

    return run_action(request, guarded, **kwargs)


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
    return _run(
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
    return _run(
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
    return _run(
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
    return _run(
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
