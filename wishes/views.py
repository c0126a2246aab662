"""Wish pages: the wall, a wish with its timeline, posting, and the small POST views that move a wish along.

Reads are generic views; every change is a POST-only function view that finds
the wish through ``Wish.objects.visible_to``, calls one model method, and turns
a ``WishError`` into a message (never a 500).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import InvalidPage
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from community import audit, pagecache
from community.images import store_upload
from community.pagination import PositionPaginator
from community.ratelimit import rate_limited
from community.views import PageMixin
from wishes.forms import (
    AttachForm,
    ClaimForm,
    ConfirmForm,
    FulfilForm,
    OnBehalfWishForm,
    ReasonForm,
    WallFilterForm,
    WishForm,
)
from wishes.models import FULFILLED_STATUSES, Status, Wish, WishClaim, WishError, claim_roles

WALL_PAGE_SIZE = 12


def wall_counts(now=None):
    """The wall's headline figures in one query: open, claimed, and fulfilled this month."""
    now = timezone.localtime(now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return Wish.objects.aggregate(
        open=Count("pk", filter=Q(status=Status.PUBLISHED)),
        claimed=Count("pk", filter=Q(status=Status.CLAIMED)),
        fulfilled_this_month=Count("pk", filter=Q(status__in=FULFILLED_STATUSES, fulfilled_at__gte=month_start)),
    )


class WishWallView(PageMixin, TemplateView):
    """心愿墙: public wishes, filtered by category and status, with this month's figures.

    The wall is the same for everyone, so it is rendered once and kept until a
    wish changes (pagecache.cached): a signed-in resident's visit costs no
    more than its header.
    """

    template_name = "wishes/wish_list.html"
    title = _("心愿墙")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = WallFilterForm(self.request.GET)
        page = self.request.GET.get("page", "1")
        if filters.is_valid() and page.isdigit() and {"category", "status", "page"}.issuperset(self.request.GET):
            key = "wishes:wall:{category}:{status}:".format(**filters.cleaned_data) + str(int(page))
            context["wall"] = pagecache.cached_html(
                key, ("wishes",), "wishes/_wall.html", lambda: self.wall_context(filters, page)
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
    someone other than the resident sees them, the view is recorded.
    """

    template_name = "wishes/wish_detail.html"

    def get_queryset(self):
        return Wish.objects.visible_to(self.request.user).select_related(
            "building", "owner", "photo", "fulfil_photo", "live_claim__claimant", "live_claim__unit"
        )

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [(gettext("心愿墙"), reverse("wishes:wall")), (self.object.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        wish, user = self.object, self.request.user
        show_contact = wish.contact_visible_to(user) and not wish.contact_erased_at
        if show_contact and not wish.is_owner(user) and wish.owner_id:
            audit.record_contact_view(
                subject=wish.owner,
                viewer=user,
                viewer_role=gettext("认领人") if not user.is_staff else gettext("社区工作人员"),
                context=gettext("微心愿：%(title)s") % {"title": wish.title},
            )
        is_volunteer, units = wish.claim_options(user)
        context.update(
            {
                "timeline": wish.transitions.select_related("actor").order_by("created", "id"),
                "show_contact": show_contact,
                "is_owner": wish.is_owner(user),
                "is_claimant": bool(wish.live_claim_id and wish.live_claim.claimant_id == user.pk),
                "can_claim": is_volunteer or bool(units),
                "claim_form": ClaimForm(units=units, allow_self=is_volunteer),
                "claim_days": settings.WISH_CLAIM_EXPIRY_DAYS,
                "can_review": user.has_perm("wishes.review_wish"),
                "can_act_for_resident": user.has_perm("wishes.enter_wish_for_resident"),
                "reason_form": ReasonForm(),
                "fulfil_form": FulfilForm(),
                "confirm_form": ConfirmForm(),
                "attach_form": AttachForm(),
                "Status": Status,
            }
        )
        return context


@login_required
@sensitive_post_parameters("contact_phone", "contact_address", "resident_name")
@rate_limited("wish_submit")
def submit_wish(request):
    """A resident posts a wish; it waits for review. Similar open wishes nearby are shown first."""
    form = WishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            wish = Wish.submit(by=request.user, **form.wish_fields(), **_photo(form, request, private=True))
        except WishError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("心愿已提交，社区工作人员审核后会公开到心愿墙。"))
            return HttpResponseRedirect(wish.get_absolute_url())
    return render(
        request,
        "wishes/wish_form.html",
        {
            "form": form,
            "title": gettext("发布微心愿"),
            "breadcrumbs": [(gettext("心愿墙"), reverse("wishes:wall")), (gettext("发布微心愿"), None)],
        },
    )


@permission_required("wishes.enter_wish_for_resident", raise_exception=True)
@sensitive_post_parameters("contact_phone", "contact_address", "resident_name")
def submit_on_behalf(request):
    """Staff enter a wish for a resident who has no account or smartphone (代录)."""
    form = OnBehalfWishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            wish = Wish.submit(
                by=request.user, on_behalf=True, **form.wish_fields(), **_photo(form, request, private=True)
            )
        except WishError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("已代居民登记心愿，请在审核列表中发布。"))
            return HttpResponseRedirect(wish.get_absolute_url())
    return render(
        request,
        "wishes/wish_form.html",
        {
            "form": form,
            "on_behalf": True,
            "title": gettext("代居民登记心愿"),
            "breadcrumbs": [(gettext("心愿墙"), reverse("wishes:wall")), (gettext("代居民登记心愿"), None)],
        },
    )


@login_required
@sensitive_post_parameters("contact_phone", "contact_address")
def edit_wish(request, pk):
    """The resident edits their wish while it waits for review."""
    wish = get_object_or_404(Wish.objects.visible_to(request.user), pk=pk)
    if not (wish.is_owner(request.user) or request.user.has_perm("wishes.review_wish")):
        return render(request, "403.html", status=403)
    form = WishForm(request.POST or None, request.FILES or None, instance=wish)
    if request.method == "POST" and form.is_valid():
        try:
            wish.update_details(by=request.user, **form.wish_fields(), **_photo(form, request, private=True))
        except WishError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("心愿已修改。"))
            return HttpResponseRedirect(wish.get_absolute_url())
    elif request.method == "GET" and wish.status != Status.SUBMITTED:
        messages.warning(request, gettext("心愿审核通过后就不能修改了；如需修改，请撤回后重新发布。"))
        return HttpResponseRedirect(wish.get_absolute_url())
    return render(
        request,
        "wishes/wish_form.html",
        {
            "form": form,
            "wish": wish,
            "title": gettext("修改心愿"),
            "breadcrumbs": [
                (gettext("心愿墙"), reverse("wishes:wall")),
                (wish.title, wish.get_absolute_url()),
                (gettext("修改"), None),
            ],
        },
    )


def _photo(form, request, *, private, field="photo_upload"):
    upload = form.cleaned_data.get(field)
    if not upload:
        return {}
    return {
        "photo": store_upload(upload, alt=form.cleaned_data.get("title", ""), uploaded_by=request.user, private=private)
    }


def _act(request, pk, action, form_class=None, success="", queryset=None):
    """Find the wish the person may see, run one model method, report the outcome, go back to the wish."""
    wish = get_object_or_404((queryset or Wish.objects).visible_to(request.user), pk=pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(wish.get_absolute_url())
    try:
        action(wish, form.cleaned_data if form else {})
    except WishError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = wish.get_absolute_url()
    return HttpResponseRedirect(back)


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def publish(request, pk):
    return _act(
        request, pk, lambda wish, data: wish.publish(by=request.user), success=gettext("已审核通过，心愿已发布。")
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def reject(request, pk):
    return _act(
        request,
        pk,
        lambda wish, data: wish.reject(by=request.user, reason=data["reason"]),
        ReasonForm,
        gettext("已退回，居民会看到原因。"),
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _act(request, pk, lambda wish, data: wish.withdraw(by=request.user), success=gettext("心愿已撤回。"))


@login_required
@require_POST
@rate_limited("claim")
def claim(request, pk):
    """Claim a published wish (as a volunteer, or for one's partner unit). One winner when many click at once."""
    _is_volunteer, units = claim_roles(request.user)
    unit_id = request.POST.get("unit") or None
    unit = next((u for u in units if str(u.pk) == unit_id), None)
    if unit_id and unit is None:
        wish = get_object_or_404(Wish.objects.visible_to(request.user), pk=pk)
        messages.error(request, gettext("您不是这个共建单位的成员，不能代表它认领。"))
        return HttpResponseRedirect(wish.get_absolute_url())
    return _act(
        request,
        pk,
        lambda wish, data: wish.claim(by=request.user, unit=unit),
        success=gettext("认领成功！居民的联系方式已显示在下方，请尽快联系。"),
    )


@login_required
@require_POST
def release(request, pk):
    return _act(
        request,
        pk,
        lambda wish, data: wish.release(by=request.user, reason=data["reason"]),
        ReasonForm,
        gettext("已放弃认领，心愿重新回到心愿墙。"),
    )


@login_required
@require_POST
def fulfil(request, pk):
    def action(wish, data):
        photo = None
        if data.get("photo"):
            photo = store_upload(data["photo"], alt=wish.title, uploaded_by=request.user, private=True)
        wish.fulfil(by=request.user, note=data["note"], photo=photo)

    return _act(request, pk, action, FulfilForm, gettext("已标记为实现，等待居民确认。谢谢您！"))


@login_required
@require_POST
def confirm(request, pk):
    return _act(
        request,
        pk,
        lambda wish, data: wish.confirm(by=request.user, thanks=data["thanks"]),
        ConfirmForm,
        gettext("已确认收到，谢谢！"),
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def close(request, pk):
    return _act(
        request,
        pk,
        lambda wish, data: wish.close(by=request.user, reason=data["reason"]),
        ReasonForm,
        gettext("心愿已关闭。"),
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def reopen(request, pk):
    return _act(
        request,
        pk,
        lambda wish, data: wish.reopen(by=request.user, reason=data["reason"]),
        ReasonForm,
        gettext("心愿已重新开放。"),
    )


@login_required
@require_POST
@permission_required("wishes.review_wish", raise_exception=True)
def hide(request, pk, part):
    """Staff hide what residents and claimants wrote in public (the thanks, or the fulfilment note and photo)."""
    actions = {"thanks": Wish.hide_thanks, "fulfilment": Wish.hide_fulfilment}
    return _act(
        request,
        pk,
        lambda wish, data: actions[part](wish, by=request.user, reason=data["reason"]),
        ReasonForm,
        gettext("已隐藏，作者会看到原因。"),
    )


@login_required
@require_POST
@permission_required("wishes.enter_wish_for_resident", raise_exception=True)
@sensitive_post_parameters("username")
def attach(request, pk):
    return _act(
        request,
        pk,
        lambda wish, data: wish.attach_to(by=request.user, resident=data["resident"]),
        AttachForm,
        gettext("心愿已关联到居民的账号。"),
    )


class MyWishesView(LoginRequiredMixin, PageMixin, ListView):
    """我的心愿: the resident's own wishes in every state."""

    template_name = "wishes/my_wishes.html"
    title = _("我的心愿")

    def get_queryset(self):
        return Wish.objects.filter(owner=self.request.user).select_related(
            "building", "live_claim__claimant", "live_claim__unit"
        )

    def get_breadcrumbs(self):
        return [(gettext("我的"), reverse("me")), (self.title, None)]


class MyClaimsView(LoginRequiredMixin, PageMixin, ListView):
    """我认领的: wishes the person claimed (live ones first), for themselves or their unit."""

    template_name = "wishes/my_claims.html"
    title = _("我认领的")

    def get_queryset(self):
        return (
            WishClaim.objects.filter(claimant=self.request.user)
            .select_related("wish", "wish__building", "unit")
            .order_by("ended_at", "-created")
        )

    def get_breadcrumbs(self):
        return [(gettext("我的"), reverse("me")), (self.title, None)]


class ReviewQueueView(PermissionRequiredMixin, PageMixin, ListView):
    """Staff review queue: wishes waiting for review, oldest first, each approved or returned in one click."""

    permission_required = "wishes.review_wish"
    template_name = "wishes/review_queue.html"
    title = _("心愿审核")

    def get_queryset(self):
        return (
            Wish.objects.filter(status=Status.SUBMITTED)
            .select_related("building", "owner", "entered_by")
            .order_by("created")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason_form"] = ReasonForm()
        return context
