"""Lending-box pages: the public box and its items, asking to borrow, one's loans, and the staff's desk.

Reads are generic views. Every change calls one ``Loan`` verb: the forms with
fields are small form pages (``ActionFormMixin``: a refusal or bad input is
shown next to what was typed, nothing is saved), cancelling is a POST-only
view ending with ``run_action``. Loans are found through
``Loan.objects.visible_to``, so nobody but the borrower and the staff who
handle loans ever opens one.
"""

from functools import cached_property

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from community.pagecache import KeptPage
from community.pages import ActionFormMixin, PageMixin, run_action
from community.ratelimit import rate_limited
from lending.forms import DeclineForm, HandOverForm, RequestForm, ReturnForm
from lending.models import SECTION, Item, Loan, may_handle_loans

BOX = _("爱心百宝箱")


class LendingBoxView(PageMixin, ListView):
    """爱心百宝箱: every item on offer, with how many can be borrowed now, where to collect it and the deposit."""

    template_name = "lending/item_list.html"
    title = BOX
    kept_page = KeptPage(sections=(SECTION,))

    def get_queryset(self):
        return Item.objects.for_box()


class ItemDetailView(PageMixin, DetailView):
    """One item: its photo, how many are available now, and 我想借 for a signed-in resident (a login link for
    anyone else). A resident who asked for it or has it sees her loan instead."""

    template_name = "lending/item_detail.html"
    kept_page = KeptPage(sections=(SECTION,))

    def get_queryset(self):
        return Item.objects.shown().with_availability().select_related("photo")

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [(BOX, reverse("lending:box")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["my_loan"] = Loan.objects.live().filter(item=self.object, borrower=user).first()
            context["form"] = RequestForm()
        return context


@method_decorator(rate_limited("loan"), name="dispatch")
class RequestLoanView(LoginRequiredMixin, ActionFormMixin, PageMixin, FormView):
    """我想借: a signed-in resident asks for one unit; it is kept for her until staff hand it over."""

    form_class = RequestForm
    template_name = "lending/loan_request.html"
    success_message = _("已申请借用。请到领取地点找社区工作人员领取，借出时会和您约好归还日期。")

    @cached_property
    def item(self):
        return get_object_or_404(Item.objects.shown().with_availability().select_related("photo"), pk=self.kwargs["pk"])

    def get_title(self):
        return gettext("借用：%(item)s") % {"item": self.item.name}

    def get_breadcrumbs(self):
        return [
            (BOX, reverse("lending:box")),
            (self.item.name, self.item.get_absolute_url()),
            (gettext("我想借"), None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def perform(self, form):
        loan = Loan.request(item=self.item, by=self.request.user, note=form.cleaned_data["note"])
        return loan.get_absolute_url()


class MyLoansView(LoginRequiredMixin, PageMixin, ListView):
    """我借用的物品: the resident's loans in every state, those still out first."""

    template_name = "lending/my_loans.html"
    title = _("我借用的物品")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        return (
            Loan.objects.filter(borrower=self.request.user)
            .marking_overdue()
            .select_related("item")
            .order_by("returned_at", "-requested_at", "-id")
        )


class LoanDetailView(LoginRequiredMixin, PageMixin, DetailView):
    """One loan and its timeline, for its borrower and the staff who handle loans (anyone else: 404).

    Staff find here what they can do next: hand it over with a due date, say why it cannot be lent, record
    the return. The borrower may cancel a request she no longer needs.
    """

    template_name = "lending/loan_detail.html"

    def get_queryset(self):
        return (
            Loan.objects.visible_to(self.request.user)
            .marking_overdue()
            .select_related("item__photo", "borrower", "handed_over_by", "returned_by")
        )

    def get_title(self):
        return gettext("借用：%(item)s") % {"item": self.object.item.name}

    def get_breadcrumbs(self):
        user = self.request.user
        if self.object.borrower_id == user.pk:
            back = (gettext("我借用的物品"), reverse("lending:mine"))
        else:
            back = (gettext("借还登记"), reverse("lending:desk"))
        return [(gettext("我的"), reverse("me")), back, (self.get_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        loan, user = self.object, self.request.user
        handles = may_handle_loans(user)
        context.update(
            {
                "timeline": loan.transitions.select_related("actor").order_by("created", "id"),
                "handles_loans": handles,
                "is_borrower": loan.borrower_id == user.pk,
                "Status": Loan.Status,
            }
        )
        if handles:
            context["hand_over_form"] = HandOverForm(initial={"due_on": loan.item.default_due_on()})
            context["decline_form"] = DeclineForm()
            context["return_form"] = ReturnForm()
        return context


class HandlesLoansMixin(PermissionRequiredMixin):
    """Staff who handle loans (lending.handle_loan); anyone signed out is sent to log in, anyone else gets 403."""

    permission_required = "lending.handle_loan"

    def has_permission(self):
        return may_handle_loans(self.request.user)


class DeskView(HandlesLoansMixin, PageMixin, TemplateView):
    """借还登记: requests waiting to be handed over (oldest first) and what is out (overdue first, then by due date)."""

    template_name = "lending/desk.html"
    title = _("借还登记")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        loans = Loan.objects.marking_overdue().select_related("item", "borrower")
        context["requested"] = loans.waiting_for_hand_over().order_by("requested_at", "id")
        context["out"] = loans.out().order_by("-is_overdue", "due_on", "id")
        return context


class LoanActionView(HandlesLoansMixin, ActionFormMixin, PageMixin, FormView):
    """A staff step on one loan, as a small form page (the loan page shows the same form)."""

    template_name = "lending/loan_action.html"
    button = ""

    @cached_property
    def loan(self):
        return get_object_or_404(
            Loan.objects.visible_to(self.request.user).select_related("item", "borrower"), pk=self.kwargs["pk"]
        )

    def get_breadcrumbs(self):
        return [
            (gettext("借还登记"), reverse("lending:desk")),
            (gettext("借用：%(item)s") % {"item": self.loan.item.name}, self.loan.get_absolute_url()),
            (self.get_title(), None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(loan=self.loan, button=self.button, **kwargs)


class HandOverView(LoanActionView):
    form_class = HandOverForm
    title = _("借出")
    button = _("确认借出")
    success_message = _("已登记借出，居民会收到归还日期的提醒。")

    def get_initial(self):
        return {"due_on": self.loan.item.default_due_on()}

    def perform(self, form):
        self.loan.hand_over(by=self.request.user, due_on=form.cleaned_data["due_on"])
        return self.loan.get_absolute_url()


class DeclineView(LoanActionView):
    form_class = DeclineForm
    title = _("不能借出")
    button = _("告诉居民不能借出")
    success_message = _("已告诉居民这次不能借出。")

    def perform(self, form):
        self.loan.decline(by=self.request.user, reason=form.cleaned_data["reason"])
        return self.loan.get_absolute_url()


class ReturnView(LoanActionView):
    form_class = ReturnForm
    title = _("登记归还")
    button = _("确认已归还")
    success_message = _("已登记归还，物品可以再借给别人了。")

    def perform(self, form):
        self.loan.record_return(by=self.request.user, note=form.cleaned_data["note"])
        return self.loan.get_absolute_url()


@login_required
@require_POST
def cancel(request, pk):
    """The borrower takes back a request she no longer needs (before collecting the item)."""
    loan = get_object_or_404(Loan.objects.visible_to(request.user), pk=pk)
    return run_action(
        request,
        lambda: loan.cancel(by=request.user),
        success=gettext("已取消借用申请。"),
        back=loan.get_absolute_url(),
    )
