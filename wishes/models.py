"""Micro-wishes (微心愿): a resident's small, concrete need, reviewed, claimed, fulfilled and confirmed.

The lifecycle lives here, in one place: every change of ``Wish.status`` goes
through one of the verb methods below, which check the current state, take a
row lock, write the change, record a ``WishTransition`` and leave
notifications (email follows after commit, through the outbox). Views, admin
actions and periodic jobs call these methods; nothing else assigns ``status``.

    submitted → published | rejected | withdrawn
    published → claimed | withdrawn
    claimed   → published (released, or expired) | fulfilled
    fulfilled → confirmed (by the resident, staff for them, or automatically)
    any open  → closed (staff, with a reason);  closed → published (staff reopen)
"""

import contextlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit, search
from community.lifecycle import Lifecycle, NotAllowed, Transition, hide_with_reason
from community.models import Building, Home, Image, User, is_party_member, staff_who_may
from community.notifications import notify
from community.privacy import mask_name, mask_phone
from community.sections import ShownModel, ShownQuerySet
from volunteers.models import PartnerUnit, TeamMembership, Volunteer

SECTION = "wishes"


class WishError(NotAllowed):
    """A move the wish lifecycle does not allow; the message is for the person who tried it."""


# Wish.Status (defined out here because the model's constraints list its groups below).
class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已实现，待确认")
    CONFIRMED = "confirmed", _("已完成")
    REJECTED = "rejected", _("未通过审核")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("已关闭")


DELETED_RESIDENT = "已注销居民"

S = WishStatus
PUBLIC_STATUSES = [S.PUBLISHED, S.CLAIMED, S.FULFILLED, S.CONFIRMED]
OPEN_STATUSES = [S.SUBMITTED, S.PUBLISHED, S.CLAIMED, S.FULFILLED]
WITH_LIVE_CLAIM = [S.CLAIMED, S.FULFILLED, S.CONFIRMED]
# "Fulfilled" (实现): the claimant has delivered, whether or not the resident has confirmed yet. Every figure
# of fulfilled wishes (the wall, the home page, the dashboard, team and unit pages) counts these statuses,
# so a wish staff closed after it was fulfilled is not counted anywhere.
FULFILLED_STATUSES = [S.FULFILLED, S.CONFIRMED]
# Still waiting for help: a needed-by date still means something.
NEEDED_STATUSES = [S.SUBMITTED, S.PUBLISHED, S.CLAIMED]
FINISHED_STATUSES = [S.CONFIRMED, S.REJECTED, S.WITHDRAWN, S.CLOSED]
del S
# A published wish nobody has claimed for this long needs staff (the dashboard's to-do list).
UNCLAIMED_TOO_LONG = timedelta(days=7)


@dataclass(frozen=True)
class ClaimOptions:
    """How a person may claim wishes: for themselves (an approved volunteer or a confirmed party member), and for
    which partner units."""

    as_person: bool = False
    units: tuple = ()

    @property
    def any(self):
        return self.as_person or bool(self.units)


def claim_roles(user):
    """``ClaimOptions`` of ``user``: whether they may claim as a person (an approved volunteer, or a confirmed
    party member: 党员认领微心愿), the partner units they act for."""
    if not user.is_authenticated:
        return ClaimOptions()
    as_person = Volunteer.objects.approved().filter(user=user).exists() or is_party_member(user)
    return ClaimOptions(as_person=as_person, units=tuple(PartnerUnit.objects.with_member(user)))


class WishQuerySet(ShownQuerySet):
    def public(self):
        """On the wish wall: published and later, never those under review, rejected or withdrawn.

        Every such wish has its publishing time; saying so lets a scan of the wall's index, newest first, start
        past the wishes never published (their empty times come first)."""
        return self.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)

    def visible_to(self, user):
        """The wishes ``user`` may open: public ones, their own, and all of them for staff."""
        if user.is_authenticated and user.has_perm("wishes.view_wish"):
            return self
        if user.is_authenticated:
            return self.filter(Q(status__in=PUBLIC_STATUSES) | Q(owner=user))
        return self.public()

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_category(self, category):
        return self.filter(category=category) if category else self

    def fulfilled(self):
        """Fulfilled (实现): delivered by the claimant, confirmed or not yet (``Wish.FULFILLED``)."""
        return self.filter(Wish.FULFILLED)

    def fulfilled_by_members_of(self, team):
        """Fulfilled by the team's members for themselves (not credited to a partner unit)."""
        members = TeamMembership.objects.filter(team=team, status=TeamMembership.Status.ACCEPTED)
        return self.fulfilled().filter(
            live_claim__claimant__in=members.values("volunteer__user"), live_claim__unit__isnull=True
        )

    def fulfilled_for(self, unit):
        """Fulfilled by a partner unit's members on its behalf."""
        return self.fulfilled().filter(live_claim__unit=unit)

    def unclaimed_too_long(self, now=None):
        """Published more than ``UNCLAIMED_TOO_LONG`` ago and still waiting for a claim: staff should help it along."""
        return self.filter(status=WishStatus.PUBLISHED, published_at__lt=(now or timezone.now()) - UNCLAIMED_TOO_LONG)

    def needing_staff(self, now=None, *, limit=20, fields=()):
        """Wishes staff should act on, oldest first: waiting for review, or unclaimed for too long.

        "Unclaimed for too long": published more than ``UNCLAIMED_TOO_LONG`` ago
        and still waiting (share it, find someone). Each side takes only its own
        oldest few (along the status index), so the union stays small.
        """
        waiting = self.filter(status=WishStatus.SUBMITTED).order_by("created")
        unclaimed = self.unclaimed_too_long(now).order_by("created")
        if fields:
            waiting, unclaimed = waiting.values(*fields), unclaimed.values(*fields)
        return waiting[:limit].union(unclaimed[:limit], all=True).order_by("created")[:limit]

    def in_wall_status(self, status):
        """The wall's status filter: "" all, "done" fulfilled or confirmed, else that status."""
        if status == "done":
            return self.fulfilled()
        return self.filter(status=status) if status else self

    def for_wall(self):
        return self.select_related("building", "owner", "live_claim__claimant", "live_claim__unit").defer("search_text")

    def claimed_by(self, user):
        """Wishes whose live claim ``user`` made (for themselves or for their unit)."""
        return self.filter(live_claim__claimant=user)

    def similar_to(self, *, title, description, building, category, limit=3):
        """Open wishes from the same building and category that share words with this text.

        Core PostgreSQL only (the embedded server has no pg_trgm): the text is
        cut into words as for search and any shared word counts, ranked.
        """
        words = search.query_words(f"{title} {description}")
        if not words or building is None:
            return self.none()
        any_word = SearchQuery(" | ".join(words), config=search.SEARCH_CONFIG, search_type="raw")
        return (
            self.open()
            .filter(building=building, category=category, search_vector=any_word)
            .annotate(rank=SearchRank(F("search_vector"), any_word))
            .order_by("-rank", "-created")
            .select_related("building")[:limit]
        )


class Wish(Lifecycle, ShownModel):
    """One resident's small, concrete need."""

    Status = WishStatus

    class Category(models.TextChoices):
        GOODS = "goods", _("生活物资")
        COMPANY = "company", _("助老陪伴")
        REPAIR = "repair", _("家电维修")
        TUTORING = "tutoring", _("学习辅导")
        HEALTH = "health", _("医疗健康")
        OTHER = "other", _("其他")

    # "Fulfilled", as a filter: every figure of fulfilled wishes uses it (see FULFILLED_STATUSES).
    FULFILLED = Q(status__in=FULFILLED_STATUSES)
    EDIT_REFUSED = _("心愿审核通过后就不能修改了；如需修改，请撤回后重新发布。")

    page_sections = (SECTION,)
    audit_name = "wish"
    refusal = WishError
    refusal_message = _("心愿现在是“%(status)s”，不能这样操作。")
    move_also_saves = ("updated",)

    title = models.CharField(_("心愿"), max_length=40, help_text=_("一句话说清楚，例如“需要一袋大米和食用油”。"))
    description = models.TextField(_("详细说明"), max_length=500, help_text=_("需要什么、什么时候方便，500字以内。"))
    category = models.CharField(
        _("类别"),
        max_length=10,
        choices=Category.choices,
        help_text=_("心愿的类别；医疗健康类需要居民单独同意提供健康信息。"),
    )
    photo = models.ForeignKey(
        Image, verbose_name=_("照片"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    needed_by = models.DateField(_("希望在哪天前实现"), help_text=_("居民希望在这天之前得到帮助。"))
    building = models.ForeignKey(
        Building,
        verbose_name=_("大致位置"),
        on_delete=models.PROTECT,
        related_name="wishes",
        help_text=_("公开显示的楼栋，不显示门牌号。"),
    )

    # Who: a resident with an account, or one without, entered by staff (代录).
    owner = models.ForeignKey(
        User,
        verbose_name=_("居民"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wishes",
        help_text=_("发布心愿的居民账号；代录的心愿没有账号，填写下面的称呼。"),
    )
    resident_name = models.CharField(
        _("居民称呼"), max_length=20, blank=True, help_text=_("代录时填写：没有账号的居民怎么称呼。")
    )
    entered_by = models.ForeignKey(
        User,
        verbose_name=_("代录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("替居民登记的工作人员。"),
    )
    consent_note = models.CharField(
        _("居民同意情况"), max_length=200, blank=True, help_text=_("代录时记下居民如何同意登记，例如“电话中同意”。")
    )
    health_consent = models.BooleanField(
        _("同意提供健康信息"), default=False, help_text=_("医疗健康类心愿必须有居民的单独同意。")
    )

    # Private: staff and the live claimant only.
    contact_phone = models.CharField(
        _("联系电话"), max_length=12, blank=True, help_text=_("只给认领人和工作人员看，心愿结束后按规定删除。")
    )
    contact_address = models.CharField(
        _("详细地址"), max_length=100, blank=True, help_text=_("门牌号，只给认领人和工作人员看，心愿结束后按规定删除。")
    )
    contact_erased_at = models.DateTimeField(_("联系方式删除时间"), null=True, blank=True)

    status = models.CharField(_("状态"), max_length=10, choices=WishStatus.choices, default=WishStatus.SUBMITTED)
    live_claim = models.OneToOneField(
        "WishClaim", verbose_name=_("当前认领"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fulfil_note = models.CharField(
        _("实现说明"), max_length=300, blank=True, help_text=_("认领人写的实现情况，公开显示。")
    )
    fulfil_photo = models.ForeignKey(
        Image, verbose_name=_("实现照片"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thanks = models.CharField(_("感谢留言"), max_length=200, blank=True, help_text=_("居民的感谢，公开显示。"))
    thanks_hidden_reason = models.CharField(
        _("感谢留言隐藏原因"),
        max_length=200,
        blank=True,
        help_text=_("填写后感谢留言不再公开显示，居民会看到这个原因。"),
    )
    fulfilment_hidden_reason = models.CharField(
        _("实现说明和照片隐藏原因"),
        max_length=200,
        blank=True,
        help_text=_("填写后实现说明和照片不再公开显示，认领人会看到这个原因。"),
    )

    created = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(_("修改时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("实现时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    search_text = models.TextField(editable=False, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("search_text", config=search.SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["status", "-created"], name="wish_status"),
            models.Index(fields=["category", "status", "-created"], name="wish_category"),
            models.Index(fields=["building", "category", "status"], name="wish_building"),
            # The wall, newest first: its pages are numbered from this index alone (community/pagination.py).
            models.Index(fields=["-published_at", "-id"], include=["status", "category"], name="wish_wall"),
            models.Index(fields=["status", "-published_at", "-id"], name="wish_status_published"),
            # The staff dashboard counts fulfilled and confirmed wishes by month and category from these alone
            # (fulfilled: by FULFILLED_STATUSES, hence the status).
            models.Index(
                fields=["fulfilled_at"],
                include=["category", "status"],
                condition=Q(fulfilled_at__isnull=False),
                name="wish_fulfilled",
            ),
            models.Index(
                fields=["confirmed_at"],
                include=["category"],
                condition=Q(confirmed_at__isnull=False),
                name="wish_confirmed",
            ),
            GinIndex(fields=["search_vector"], name="wish_search"),
        ]
        constraints = [
            # Status and live claim agree: a claim exists exactly while it is held.
            models.CheckConstraint(
                condition=Q(status__in=WITH_LIVE_CLAIM, live_claim__isnull=False)
                | (~Q(status__in=WITH_LIVE_CLAIM) & Q(live_claim__isnull=True)),
                name="wish_status_matches_live_claim",
            ),
            models.CheckConstraint(condition=~Q(owner__isnull=True, resident_name=""), name="wish_has_a_resident"),
        ]
        permissions = [
            ("review_wish", _("可审核、关闭和重新开放微心愿")),
            ("enter_wish_for_resident", _("可代居民登记微心愿并代为确认")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = search.segment_document(self.title, self.description)
        if kwargs.get("update_fields") is not None and {"title", "description"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("wishes:detail", kwargs={"pk": self.pk})

    # --- Who is who -------------------------------------------------------------------

    @property
    def public_name(self):
        """The resident as the public sees them: 王** (or 已注销居民 once they deleted their account)."""
        if self.owner_id:
            return self.owner.public_name
        if self.resident_name == DELETED_RESIDENT:
            return DELETED_RESIDENT
        return mask_name(self.resident_name)

    @property
    def claimant(self):
        return self.live_claim.claimant if self.live_claim_id else None

    @property
    def contact_person(self):
        """Whose phone and address these are: the owner, or nobody with an account (代录; see ContactView)."""
        return self.owner

    @property
    def is_still_needed(self):
        """Still waiting for help, so that its needed-by date still means something."""
        return self.status in NEEDED_STATUSES

    def is_owner(self, user):
        return user.is_authenticated and self.owner_id == user.pk

    def contact_visible_to(self, user):
        """Phone and address: staff who may review wishes, and the person holding the live claim."""
        if not user.is_authenticated:
            return False
        if user.has_perm("wishes.view_wish") and user.is_staff:
            return True
        return self.status in (WishStatus.CLAIMED, WishStatus.FULFILLED) and self.live_claim.claimant_id == user.pk

    @property
    def masked_phone(self):
        return mask_phone(self.contact_phone)

    # --- The lifecycle ------------------------------------------------------------------

    def _notify_owner(self, message, **kwargs):
        notify(self.owner, message % {"title": self.title}, url=self.get_absolute_url(), **kwargs)

    @classmethod
    def submit(cls, *, by, on_behalf=False, **fields):
        """Create a wish waiting for review (by the resident, or by staff for a resident: 代录)."""
        with transaction.atomic():
            wish = cls(**fields)
            if on_behalf:
                wish.entered_by = by
            else:
                wish.owner = by
                User.objects.select_for_update().filter(pk=by.pk).first()
                if Wish.objects.filter(owner=by, status__in=OPEN_STATUSES).count() >= settings.WISH_MAX_OPEN_WISHES:
                    raise WishError(
                        gettext("您已有 %(n)d 个心愿还没完成，请等它们实现后再发布新的。")
                        % {"n": settings.WISH_MAX_OPEN_WISHES}
                    )
            wish.status = WishStatus.SUBMITTED
            wish.full_clean(exclude=["photo", "live_claim", "fulfil_photo"])
            wish.save()
            wish.record_transition("", cls.Status.SUBMITTED, by=by)
            if on_behalf:
                audit.record(actor=by, action="wish.enter_for_resident", target=wish, note=wish.consent_note)
        return wish

    def publish(self, *, by):
        """Staff approve a wish under review: it goes on the wall."""
        with transaction.atomic():
            self.lock()
            self.require(WishStatus.SUBMITTED)
            self.published_at = timezone.now()
            self.move(WishStatus.PUBLISHED, by=by, fields=["published_at"])
            self._notify_owner(gettext("您的心愿“%(title)s”已通过审核，发布到了心愿墙。"))

    def reject(self, *, by, reason):
        """Staff turn a wish down; the resident sees the reason."""
        if not reason.strip():
            raise WishError(gettext("请写明不通过的原因，居民会看到它。"))
        with transaction.atomic():
            self.lock()
            self.require(WishStatus.SUBMITTED)
            self.finished_at = timezone.now()
            self.move(WishStatus.REJECTED, by=by, note=reason, fields=["finished_at"])
            self._notify_owner(
                gettext("您的心愿“%(title)s”没有通过审核"), body=gettext("原因：%(reason)s") % {"reason": reason}
            )

    def update_details(self, *, by, **fields):
        """The resident (or staff) edits a wish while it waits for review."""
        with transaction.atomic():
            self.lock()
            if not (self.is_owner(by) or by.has_perm("wishes.review_wish")):
                raise WishError(gettext("只有发布心愿的居民可以修改它。"))
            self.require(WishStatus.SUBMITTED, message=self.EDIT_REFUSED)
            for name, value in fields.items():
                setattr(self, name, value)
            self.full_clean(exclude=["photo", "live_claim", "fulfil_photo"])
            self.save()

    def withdraw(self, *, by, reason=""):
        """The resident takes back a wish that is under review or not yet claimed."""
        with transaction.atomic():
            self.lock()
            if not (self.is_owner(by) or by.has_perm("wishes.enter_wish_for_resident")):
                raise WishError(gettext("只有发布心愿的居民可以撤回它。"))
            self.require(
                WishStatus.SUBMITTED,
                WishStatus.PUBLISHED,
                message=gettext("心愿已经有人认领，不能撤回了；如有变化，请联系认领人或社区工作人员。"),
            )
            self.finished_at = timezone.now()
            self.move(WishStatus.WITHDRAWN, by=by, note=reason, fields=["finished_at"])

    @classmethod
    def known_contact_of(cls, user):
        """A new wish's building, address and phone as the portal knows them: her home, her login, her last wish."""
        known = {}
        last = cls.objects.filter(owner=user).exclude(contact_phone="").order_by("-created").first()
        if last is not None:
            known = {
                "building": last.building,
                "contact_address": last.contact_address,
                "contact_phone": last.contact_phone,
            }
        home = Home.objects.filter(resident=user).select_related("building").first()
        if home is not None:
            known |= {"building": home.building, "contact_address": home.address}
        if user.login_is_phone:
            known["contact_phone"] = user.username
        return known

    def claim_options(self, user):
        """How ``user`` could claim this wish now (``ClaimOptions``).

        Nothing while the wish is not published, for its owner, or for someone signed out.
        """
        if self.status != WishStatus.PUBLISHED or not user.is_authenticated or self.is_owner(user):
            return ClaimOptions()
        return claim_roles(user)

    def claim(self, *, by, unit=None, options=None):
        """An approved volunteer or a confirmed party member claims a published wish, or a partner unit's member claims it for the unit.

        ``options``: ``claim_roles(by)``, if the caller worked it out already (the claim form did).
        The claimant's row and the rows of the units they act for are locked
        (in that order, units by id), so that the open-claim limit of a person
        and of a unit holds when several of its members click at once; then the
        wish row, so that of many simultaneous claims one wins and the others
        are told it was taken.
        """
        if self.is_owner(by):
            raise WishError(gettext("不能认领自己发布的心愿。"))
        options = options if options is not None else claim_roles(by)
        if unit is not None and unit not in options.units:
            raise WishError(gettext("您不是这个共建单位的成员，不能代表它认领。"))
        if unit is None and not options.as_person:
            if options.units:
                raise WishError(gettext("请选择代表哪个共建单位认领。"))
            raise WishError(gettext("只有审核通过的志愿者、确认过身份的党员或共建单位的成员才能认领心愿。"))
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=by.pk).first()
            list(PartnerUnit.objects.select_for_update().filter(pk__in=[u.pk for u in options.units]).order_by("pk"))
            self.lock()
            if self.status in WITH_LIVE_CLAIM:
                raise WishError(gettext("这个心愿已被认领，看看其他心愿吧。"))
            self.require(WishStatus.PUBLISHED, message=gettext("这个心愿现在不能认领。"))
            open_claims = Wish.objects.filter(status=WishStatus.CLAIMED).filter(
                Q(live_claim__claimant=by) | Q(live_claim__unit__in=options.units)
            )
            if open_claims.count() >= settings.WISH_MAX_OPEN_CLAIMS:
                raise WishError(
                    gettext("您（或您的单位）已有 %(n)d 个心愿正在实现中，请先完成它们再认领新的。")
                    % {"n": settings.WISH_MAX_OPEN_CLAIMS}
                )
            claim = WishClaim.objects.create(wish=self, claimant=by, unit=unit)
            self.live_claim = claim
            self.move(WishStatus.CLAIMED, by=by, fields=["live_claim"], note=unit.name if unit else "")
            self._notify_owner(gettext("您的心愿“%(title)s”已被认领，认领人会尽快和您联系。"))
        return claim

    def release(self, *, by, reason, expired=False):
        """The claimant gives the wish back (with a reason), or the claim expired: it is published again.

        The claim keeps its history; its claimant no longer sees the contact details.
        """
        if not expired and not reason.strip():
            raise WishError(gettext("请写明放弃认领的原因，方便社区重新安排。"))
        with transaction.atomic():
            self.lock()
            self.require(WishStatus.CLAIMED, message=gettext("只有已认领、还没实现的心愿可以放弃认领。"))
            claim = WishClaim.objects.select_for_update().get(pk=self.live_claim_id)
            if not expired and claim.claimant_id != by.pk:
                raise WishError(gettext("只有认领人可以放弃认领。"))
            claim.ended_at = timezone.now()
            claim.end_reason = WishClaim.End.EXPIRED if expired else WishClaim.End.RELEASED
            claim.note = reason
            claim.save(update_fields=["ended_at", "end_reason", "note"])
            self.live_claim = None
            self.move(WishStatus.PUBLISHED, by=None if expired else by, note=reason, fields=["live_claim"])
            if expired:
                message = gettext("心愿“%(title)s”认领超过 %(days)d 天未实现，已重新发布。") % {
                    "title": self.title,
                    "days": settings.WISH_CLAIM_EXPIRY_DAYS,
                }
                notify(claim.claimant, message, url=self.get_absolute_url())
                notify(self.owner, message, url=self.get_absolute_url())
            else:
                self._notify_owner(gettext("认领人放弃了心愿“%(title)s”，心愿已重新发布，等待其他人认领。"))

    def fulfil(self, *, by, note="", photo=None):
        """The claimant has delivered; the resident is asked to confirm."""
        with transaction.atomic():
            self.lock()
            self.require(WishStatus.CLAIMED, message=gettext("只有已认领的心愿可以标记为已实现。"))
            if self.live_claim.claimant_id != by.pk:
                raise WishError(gettext("只有认领人可以标记心愿已实现。"))
            self.fulfil_note = note
            self.fulfil_photo = photo
            self.fulfilled_at = timezone.now()
            self.move(WishStatus.FULFILLED, by=by, note=note, fields=["fulfil_note", "fulfil_photo", "fulfilled_at"])
            self._notify_owner(gettext("认领人说您的心愿“%(title)s”已经实现了，请确认。"))

    def not_resolved(self, *, by, note):
        """The resident answers a fulfilled wish with 还没有解决: it goes back to the claimant, who is told why.

        The wish is claimed again, its fulfilment (time, note, photo) is cleared,
        and the claim's clock starts again, so the claimant has the usual days to
        help. The staff who review wishes are told too.
        """
        if not note.strip():
            raise WishError(gettext("请写一写哪里还没有解决，认领人才知道怎么帮。"))
        with transaction.atomic():
            self.lock()
            if not (self.is_owner(by) or by.has_perm("wishes.enter_wish_for_resident")):
                raise WishError(gettext("只有发布心愿的居民可以这样回复。"))
            self.require(WishStatus.FULFILLED, message=gettext("只有已实现、还没确认的心愿可以说“还没有解决”。"))
            claim = WishClaim.objects.select_for_update().get(pk=self.live_claim_id)
            claim.counting_from = timezone.now()
            claim.save(update_fields=["counting_from"])
            self.fulfilled_at, self.fulfil_note, self.fulfil_photo = None, "", None
            self.move(
                WishStatus.CLAIMED,
                by=by,
                note=gettext("还没有解决：%(note)s") % {"note": note},
                fields=["fulfilled_at", "fulfil_note", "fulfil_photo"],
            )
            message = gettext("居民说心愿“%(title)s”还没有解决") % {"title": self.title}
            notify(claim.claimant, message, body=note, url=self.get_absolute_url())
            for reviewer in staff_who_may("wishes.review_wish"):
                notify(reviewer, message, body=note, url=self.get_absolute_url())

    def confirm(self, *, by, thanks="", automatically=False):
        """The resident (or staff for a resident without an account) confirms receipt, and may thank."""
        with transaction.atomic():
            self.lock()
            if not automatically and not (self.is_owner(by) or by.has_perm("wishes.enter_wish_for_resident")):
                raise WishError(gettext("只有发布心愿的居民可以确认。"))
            self.require(WishStatus.FULFILLED, message=gettext("心愿还没有被标记为已实现，暂时不能确认。"))
            self.thanks = thanks
            self.confirmed_at = self.finished_at = timezone.now()
            note = ""
            if automatically:
                note = gettext("超过 %(days)d 天未确认，自动确认") % {"days": settings.WISH_AUTO_CONFIRM_DAYS}
            self.move(
                WishStatus.CONFIRMED,
                by=None if automatically else by,
                note=note,
                fields=["thanks", "confirmed_at", "finished_at"],
            )
            notify(
                self.live_claim.claimant,
                gettext("居民确认收到了心愿“%(title)s”，谢谢您！") % {"title": self.title},
                body=thanks,
                url=self.get_absolute_url(),
            )

    def close(self, *, by, reason):
        """Staff close a wish (any that is not finished), with a reason; a live claim ends."""
        if not reason.strip():
            raise WishError(gettext("请写明关闭的原因。"))
        with transaction.atomic():
            self.lock()
            self.require(*OPEN_STATUSES, message=gettext("这个心愿已经结束，不需要关闭。"))
            fields = ["finished_at"]
            if self.live_claim_id:
                claim = self.live_claim
                WishClaim.objects.filter(pk=claim.pk).update(
                    ended_at=timezone.now(), end_reason=WishClaim.End.CLOSED, note=reason
                )
                notify(claim.claimant, gettext("心愿“%(title)s”已被社区关闭。") % {"title": self.title}, body=reason)
                self.live_claim = None
                fields.append("live_claim")
            self.finished_at = timezone.now()
            self.move(WishStatus.CLOSED, by=by, note=reason, fields=fields)
            self._notify_owner(gettext("您的心愿“%(title)s”已被社区关闭。"), body=reason)

    def reopen(self, *, by, reason):
        """Staff reopen a closed wish: back on the wall, waiting for a claim."""
        if not reason.strip():
            raise WishError(gettext("请写明重新开放的原因。"))
        with transaction.atomic():
            self.lock()
            self.require(WishStatus.CLOSED, message=gettext("只有已关闭的心愿可以重新开放。"))
            self.finished_at = None
            self.published_at = timezone.now()
            self.move(WishStatus.PUBLISHED, by=by, note=reason, fields=["finished_at", "published_at"])
            self._notify_owner(gettext("您的心愿“%(title)s”已重新开放，等待认领。"))

    def hide_thanks(self, *, by, reason):
        """Staff hide the resident's public thank-you message; the resident is told why."""
        self._hide("thanks_hidden_reason", self.owner, gettext("您的感谢留言已被隐藏"), by=by, reason=reason)

    def hide_fulfilment(self, *, by, reason):
        """Staff hide the claimant's public note and photo; the claimant is told why."""
        claimant = self.live_claim.claimant if self.live_claim_id else None
        self._hide("fulfilment_hidden_reason", claimant, gettext("您写的实现说明和照片已被隐藏"), by=by, reason=reason)

    def _hide(self, field, author, title, *, by, reason):
        hide_with_reason(
            self,
            field,
            author=author,
            title=title,
            url=self.get_absolute_url(),
            by=by,
            reason=reason,
            refusal=WishError,
            also_saves=["updated"],
        )

    def attach_to(self, *, by, resident):
        """Staff hand a wish entered for a resident (代录) to that resident's new account.

        Who saw its contact details while she had no account is hers to see from now on.
        """
        with transaction.atomic():
            self.lock()
            if self.owner_id:
                raise WishError(gettext("这个心愿已经属于一个账号了。"))
            self.owner = resident
            self.save(update_fields=["owner", "updated"])
            audit.record(actor=by, action="wish.attach", target=self, changes={"owner": (None, resident.pk)})
            audit.pass_contact_views(record=self, to=resident)


class WishClaim(ShownModel):
    """One claim of a wish. A released or expired claim keeps its history; at most one is live."""

    page_sections = (SECTION,)

    class End(models.TextChoices):
        RELEASED = "released", _("主动放弃")
        EXPIRED = "expired", _("超时释放")
        CLOSED = "closed", _("心愿关闭")

    wish = models.ForeignKey(Wish, verbose_name=_("心愿"), on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(User, verbose_name=_("认领人"), on_delete=models.PROTECT, related_name="wish_claims")
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("代表的共建单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wish_claims",
    )
    created = models.DateTimeField(_("认领时间"), auto_now_add=True)
    counting_from = models.DateTimeField(
        _("计时起点"),
        default=timezone.now,
        help_text=_("认领超过规定天数未实现会自动释放，从这个时间算起；居民说“还没有解决”时重新计时。"),
    )
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=10, choices=End.choices, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("认领记录")
        verbose_name_plural = _("认领记录")
        ordering = ["-created"]
        constraints = [
            # The last line of defence: no code path, the admin included, makes a second live claim.
            models.UniqueConstraint(fields=["wish"], condition=Q(ended_at__isnull=True), name="wish_one_live_claim"),
        ]
        indexes = [
            models.Index(fields=["claimant", "ended_at"], name="wishclaim_claimant"),
            # Claims made in a period (the staff dashboard).
            models.Index(fields=["created"], include=["wish"], name="wishclaim_created"),
        ]

    def __str__(self):
        return f"{self.wish} · {self.claimant}"

    @property
    def claimant_label(self):
        """How the claim is credited in public: the unit's name, or the volunteer's masked name."""
        return self.unit.name if self.unit_id else self.claimant.public_name


class WishTransition(Transition, ShownModel):
    """One step in a wish's life (shown as the wish's timeline)."""

    page_sections = (SECTION,)

    wish = models.ForeignKey(Wish, verbose_name=_("心愿"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=10, choices=WishStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=WishStatus.choices)

    class Meta(Transition.Meta):
        verbose_name = _("心愿进展")
        verbose_name_plural = _("心愿进展")
        indexes = [models.Index(fields=["wish", "created"], name="wishtransition_wish")]


def release_stale_claims(now=None):
    """Publish again every wish claimed more than WISH_CLAIM_EXPIRY_DAYS ago and not fulfilled."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WISH_CLAIM_EXPIRY_DAYS)
    released = 0
    for wish in Wish.objects.filter(status=WishStatus.CLAIMED, live_claim__counting_from__lt=cutoff):
        with contextlib.suppress(WishError):  # changed in the meantime
            wish.release(by=None, reason=gettext("认领超时，自动释放"), expired=True)
            released += 1
    return released


def confirm_overdue(now=None):
    """Confirm every wish fulfilled more than WISH_AUTO_CONFIRM_DAYS ago and not confirmed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WISH_AUTO_CONFIRM_DAYS)
    confirmed = 0
    for wish in Wish.objects.filter(status=WishStatus.FULFILLED, fulfilled_at__lt=cutoff):
        with contextlib.suppress(WishError):  # changed in the meantime
            wish.confirm(by=None, automatically=True)
            confirmed += 1
    return confirmed


def may_view_wish_photo(user, image):
    """A wish's photos are private files: whoever may open the wish may see them."""
    return Wish.objects.visible_to(user).filter(Q(photo=image) | Q(fulfil_photo=image)).exists()
