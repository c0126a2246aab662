"""Wish pages: the wall, a wish with its timeline, posting, and the small POST views that move a wish along.

Reads are generic views; every change is a POST-only function view that finds
the wish through ``Wish.objects.visible_to``, calls one model method and ends
with ``run_action`` (a refusal becomes a message, never a 500).
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
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
from community.pagecache import PAGE_NUMBER, KeptPage, cached_html
from community.pages import ActionFormMixin, PageMixin, run_action
from community.pagination import PositionPaginator
from community.ratelimit import rate_limited
from wishes.forms import (
    AttachForm,
    ClaimForm,
    ConfirmForm,
    FulfilForm,
    NotResolvedForm,
    OnBehalfWishForm,
    ReasonForm,
    WallFilterForm,
    WishForm,
)
from wishes.models import SECTION, Wish, WishClaim, claim_roles

WALL_PAGE_SIZE = 12
WALL_FILTER = re.compile(r"[a-z]{0,12}")


def wall_counts(now=None):
    """The wall's headline figures in one query: open, claimed, and fulfilled this month."""
    now = timezone.localtime(now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Wish.objects.aggregate(
        open=Count("pk", filter=Q(status=Wish.Status.PUBLISHED)),
        claimed=Count("pk", filter=Q(status=Wish.Status.CLAIMED)),
        fulfilled_this_month=Count("pk", filter=Wish.FULFILLED & Q(fulfilled_at__gte=month_start)),
    )


class WishWallView(PageMixin, TemplateView):
    """心愿墙: public wishes, filtered by category and status, with this month's figures.

    The wall is the same for everyone, so it is rendered once and kept until a
    wish changes (pagecache.cached): a signed-in resident's visit costs no
    more than its header.
    """

    template_name = "wishes/wish_list.html"
    title = _("心愿墙")
    kept_page = KeptPage(
        sections=(SECTION,),
        parameters={"page": PAGE_NUMBER, "category": WALL_FILTER, "status": WALL_FILTER},
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = WallFilterForm(self.request.GET)
        page = self.request.GET.get("page", "1")
        if filters.is_valid() and page.isdigit() and {"category", "status", "page"}.issuperset(self.request.GET):
            key = "wishes:wall:{category}:{status}:".format(**filters.cleaned_data) + str(int(page))
            context["wall"] = cached_html(
                key, (SECTION,), "wishes/_wall.html", lambda: self.wall_context(filters, page)
            )
        else:
            context["wall"] = render_to_string("wishes/_wall.html", self.wall_context(filters, page))
        return context

    def wall_context(self, filters, page):
        wishes = Wish.objects.public().for_wall()
        if filters.is_valid():
            wishes = wishes.in_category(filters.cleaned_data["category"]).in_wall_status(filters.cleaned_data["status"])
        try:
            page_obj = PositionPaginator(wishes.order_by("-published_at", "-id"), WALL_PAGE_SIZE).page(page)
        except InvalidPage as error:
            raise Http404 from error
        params = self.request.GET.copy()
        params.pop("page", None)
        return {
            "filters": filters,
            "counts": wall_counts(),
            "page_obj": page_obj,
            "object_list": page_obj.object_list,
            "query_string": params.urlencode(),
        }


class WishDetailView(PageMixin, DetailView):
    """A wish, its timeline, and what the visitor may do with it.

    Contact details appear only for staff and the live claimant; each time
    someone other than the resident sees them, the view is recorded (against
    the wish itself when its resident has no account: 代录).
    """

    template_name = "wishes/wish_detail.html"
    kept_page = KeptPage(sections=(SECTION,))

    def get_queryset(self):
        # Not the photos: most wishes have none, and two more joins cost PostgreSQL more planning than the two
        # lookups by key cost a wish that has them.
        return Wish.objects.visible_to(self.request.user).select_related(
            "building", "owner", "live_claim__claimant", "live_claim__unit"
        )

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [(gettext("心愿墙"), reverse("wishes:wall")), (self.object.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wish, user = self.object, self.request.user
        show_contact = wish.contact_visible_to(user) and not wish.contact_erased_at
        if show_contact and not wish.is_owner(user):
            audit.record_contact_view(
                subject=wish,
                viewer=user,
                viewer_role=gettext("认领人") if not user.is_staff else gettext("社区工作人员"),
                context=gettext("微心愿：%(title)s") % {"title": wish.title},
            )
        claim_form = ClaimForm(options=wish.claim_options(user))
        context.update(
            {
                "timeline": wish.transitions.select_related("actor").order_by("created", "id"),
                "show_contact": show_contact,
                "is_owner": wish.is_owner(user),
                "is_claimant": bool(wish.live_claim_id and wish.live_claim.claimant_id == user.pk),
                "can_claim": claim_form.may_claim,
                "claim_form": claim_form,
                "claim_days": settings.WISH_CLAIM_EXPIRY_DAYS,
                "can_review": user.has_perm("wishes.review_wish"),
                "can_act_for_resident": user.has_perm("wishes.enter_wish_for_resident"),
                "reason_form": ReasonForm(),
                "fulfil_form": FulfilForm(),
                "confirm_form": ConfirmForm(),
                "not_resolved_form": NotResolvedForm(),
                "attach_form": AttachForm(),
                "Status": Wish.Status,
            }
        )
        return context


def _stored_photo(form, request, *, field="photo_upload"):
    """The form's uploaded photo, stored privately (a wish's photos are seen only by who may open it)."""
    upload = form.cleaned_data.get(field)
    if not upload:
        return {}
    return {
        "photo": store_upload(upload, alt=form.cleaned_data.get("title", ""), uploaded_by=request.user, private=True)
    }


class WishFormView(ActionFormMixin, PageMixin, FormView):
    """The wish form's page: posting, entering for a resident, editing."""

    form_class = WishForm
    template_name = "wishes/wish_form.html"

    def get_breadcrumbs(self):
        return [(gettext("心愿墙"), reverse("wishes:wall")), (self.title, None)]


@method_decorator(sensitive_post_parameters("contact_phone", "contact_address"), name="dispatch")
@method_decorator(rate_limited("wish_submit"), name="dispatch")
class SubmitWishView(LoginRequiredMixin, WishFormView):
    """A resident posts a wish; it waits for review. Similar open wishes nearby are shown first."""

    title = _("发布微心愿")
    success_message = _("心愿已提交，社区工作人员审核后会公开到心愿墙。")

    def get_initial(self):
        """What the portal already knows: her home (building and address) and her phone, or her last wish's."""
        return Wish.known_contact_of(self.request.user)

    def perform(self, form):
        wish = Wish.submit(by=self.request.user, **form.wish_fields(), **_stored_photo(form, self.request))
        return wish.get_absolute_url()


@method_decorator(sensitive_post_parameters("contact_phone", "contact_address", "resident_name"), name="dispatch")
class SubmitOnBehalfView(PermissionRequiredMixin, WishFormView):
    """Staff enter a wish for a resident who has no account or smartphone (代录)."""

    permission_required = "wishes.enter_wish_for_resident"
    raise_exception = True
    form_class = OnBehalfWishForm
    title = _("代居民登记心愿")
    success_message = _("已代居民登记心愿，请在审核列表中发布。")
    extra_context = {"on_behalf": True}

    def perform(self, form):
        wish = Wish.submit(
            by=self.request.user, on_behalf=True, **form.wish_fields(), **_stored_photo(form, self.request)
        )
        return wish.get_absolute_url()


@method_decorator(sensitive_post_parameters("contact_phone", "contact_address"), name="dispatch")
class EditWishView(LoginRequiredMixin, WishFormView):
    """The resident (or staff who review wishes) edits a wish while it waits for review.

    The form holds the full phone and address: staff opening it are recorded as having seen them.
    """

    title = _("修改心愿")
    success_message = _("心愿已修改。")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.wish = get_object_or_404(Wish.objects.visible_to(request.user), pk=kwargs["pk"])
        if not (self.wish.is_owner(request.user) or request.user.has_perm("wishes.review_wish")):
            raise PermissionDenied
        if request.method == "GET" and self.wish.status != Wish.Status.SUBMITTED:
            messages.warning(request, Wish.EDIT_REFUSED)
            return HttpResponseRedirect(self.wish.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.wish}

    def get_context_data(self, **kwargs):
        if not self.wish.is_owner(self.request.user) and (self.wish.contact_phone or self.wish.contact_address):
            audit.record_contact_view(
                subject=self.wish,
                viewer=self.request.user,
                viewer_role=gettext("社区工作人员"),
                context=gettext("修改心愿：%(title)s") % {"title": self.wish.title},
            )
        return super().get_context_data(wish=self.wish, **kwargs)

    def get_breadcrumbs(self):
        return [
            (gettext("心愿墙"), reverse("wishes:wall")),
            (self.wish.title, self.wish.get_absolute_url()),
            (gettext("修改"), None),
        ]

    def perform(self, form):
        self.wish.update_details(by=self.request.user, **form.wish_fields(), **_stored_photo(form, self.request))
        return self.wish.get_absolute_url()


def _wish_action(request, pk, action, *, success, form=None):
    """Find the wish the person may see, run one of its verbs, say how it went, go back (to ``next`` if safe)."""
    wish = get_object_or_404(Wish.objects.visible_to(request.user), pk=pk)
    return run_action(request, lambda: action(wish), form=form, success=success, back=wish.get_absolute_url())


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def publish(request, pk):
    return _wish_action(
        request, pk, lambda wish: wish.publish(by=request.user), success=gettext("已审核通过，心愿已发布。")
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def reject(request, pk):
    form = ReasonForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.reject(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已退回，居民会看到原因。"),
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _wish_action(request, pk, lambda wish: wish.withdraw(by=request.user), success=gettext("心愿已撤回。"))


@login_required
@require_POST
@rate_limited("claim")
def claim(request, pk):
    """Claim a published wish (as a volunteer, or for one's partner unit). One winner when many click at once.

    The form is the one the wish page showed, bound to the same choices: who
    the person may claim for is worked out once.
    """
    wish = get_object_or_404(Wish.objects.visible_to(request.user), pk=pk)
    form = ClaimForm(request.POST, options=claim_roles(request.user))
    return run_action(
        request,
        lambda: wish.claim(by=request.user, unit=form.cleaned_data["unit"], options=form.options),
        form=form,
        success=gettext("认领成功！居民的联系方式已显示在下方，请尽快联系。"),
        back=wish.get_absolute_url(),
    )


@login_required
@require_POST
def release(request, pk):
    form = ReasonForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.release(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已放弃认领，心愿重新回到心愿墙。"),
    )


@login_required
@require_POST
def fulfil(request, pk):
    form = FulfilForm(request.POST, request.FILES)

    def action(wish):
        photo = None
        if form.cleaned_data.get("photo"):
            photo = store_upload(form.cleaned_data["photo"], alt=wish.title, uploaded_by=request.user, private=True)
        wish.fulfil(by=request.user, note=form.cleaned_data["note"], photo=photo)

    return _wish_action(request, pk, action, form=form, success=gettext("已标记为实现，等待居民确认。谢谢您！"))


@login_required
@require_POST
def confirm(request, pk):
    form = ConfirmForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.confirm(by=request.user, thanks=form.cleaned_data["thanks"]),
        form=form,
        success=gettext("已确认收到，谢谢！"),
    )


@login_required
@require_POST
def not_resolved(request, pk):
    """The resident says a fulfilled wish was not really done; it goes back to the claimant."""
    form = NotResolvedForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.not_resolved(by=request.user, note=form.cleaned_data["note"]),
        form=form,
        success=gettext("已告诉认领人还没有解决，社区工作人员也会跟进。"),
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def close(request, pk):
    form = ReasonForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.close(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("心愿已关闭。"),
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def reopen(request, pk):
    form = ReasonForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.reopen(by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("心愿已重新开放。"),
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def hide(request, pk, part):
    """Staff hide what residents and claimants wrote in public (the thanks, or the fulfilment note and photo)."""
    form = ReasonForm(request.POST)
    actions = {"thanks": Wish.hide_thanks, "fulfilment": Wish.hide_fulfilment}
    return _wish_action(
        request,
        pk,
        lambda wish: actions[part](wish, by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        success=gettext("已隐藏，作者会看到原因。"),
    )


@login_required
@require_POST
@permission_required("wishes.enter_wish_for_resident", raise_exception=True)
@sensitive_post_parameters("username")
def attach(request, pk):
    form = AttachForm(request.POST)
    return _wish_action(
        request,
        pk,
        lambda wish: wish.attach_to(by=request.user, resident=form.cleaned_data["resident"]),
        form=form,
        success=gettext("心愿已关联到居民的账号。"),
    )


class MyWishesView(LoginRequiredMixin, PageMixin, ListView):
    """我的心愿: the resident's own wishes in every state."""

    template_name = "wishes/my_wishes.html"
    title = _("我的心愿")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        return Wish.objects.filter(owner=self.request.user).select_related(
            "building", "live_claim__claimant", "live_claim__unit"
        )


class MyClaimsView(LoginRequiredMixin, PageMixin, ListView):
    """我认领的: wishes the person claimed (live ones first), for themselves or their unit."""

    template_name = "wishes/my_claims.html"
    title = _("我认领的")
    breadcrumbs = ((_("我的"), reverse_lazy("me")), (title, None))

    def get_queryset(self):
        return (
            WishClaim.objects.filter(claimant=self.request.user)
            .select_related("wish", "wish__building", "unit")
            .order_by("ended_at", "-created")
        )


class ReviewQueueView(PermissionRequiredMixin, PageMixin, ListView):
    """Staff review queue: wishes waiting for review, oldest first, each approved or returned in one click."""

    permission_required = "wishes.review_wish"
    template_name = "wishes/review_queue.html"
    title = _("心愿审核")

    def get_queryset(self):
        return (
            Wish.objects.filter(status=Wish.Status.SUBMITTED)
            .select_related("building", "owner", "entered_by", "photo")
            .order_by("created")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason_form"] = ReasonForm()
        return context
