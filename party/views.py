"""Party pages: members' declarations and their confirmation (more parts of the party app add their own sections)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from community.lifecycle import NotAllowed
from community.models import PartyMembership, PartyMembershipError, decides_memberships
from community.pages import PageMixin, run_action
from party.forms import BadgeForm, MembershipForm, RejectMembershipForm
from party.services import membership_confirm, membership_reject

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
