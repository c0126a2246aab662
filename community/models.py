"""Accounts, notifications, photos and the community's reference data (grids and buildings)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.coordinates import LATITUDE_HELP, LONGITUDE_HELP, validate_latitude, validate_longitude
from community.privacy import is_mainland_mobile, mask_name, mask_phone
from community.refusals import NotAllowed
from community.sections import SITE, ShownModel, ShownQuerySet, changed

DELETED_DISPLAY_NAME = "已注销居民"


class User(AbstractUser):
    """A person with an account. Residents by default; staff via ``is_staff`` and groups.

    ``username`` is the login name the person chose: a user name or a mainland
    mobile number. It is never shown in public; ``display_name`` is, masked.
    """

    display_name = models.CharField(
        _("称呼"),
        max_length=20,
        help_text=_("邻居们怎么称呼这位居民，例如“王秀英”。公开页面上只显示第一个字，如“王**”。"),
    )
    # Kept by PartyMembership.save (the one place that decides it): public pages show the 党员 badge from the user
    # row they already read, with no query per name.
    shows_party_badge = models.BooleanField(
        _("公开显示党员标识"),
        default=False,
        editable=False,
        help_text=_("党员身份经确认、本人选择“亮身份”时为是。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [
            ("assist_password_reset", _("可为没有邮箱的居民生成重置密码链接")),
            ("view_dashboard", _("可查看统计看板并导出数据")),
            ("export_personal_data", _("导出时可选择不打码的手机号和姓名")),
        ]

    def __str__(self):
        return self.display_name or self.masked_login

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_public = (
            (user.display_name, user.is_active, user.shows_party_badge) if "display_name" in field_names else None
        )
        return user

    def save(self, *args, **kwargs):
        """Public pages show people by their public name: they are stale when it changes or the account goes.

        Signing in, a new password or a new email changes nothing anyone else sees; the 党员 badge does.
        """
        loaded = getattr(self, "_loaded_public", None)
        super().save(*args, **kwargs)
        now = (self.display_name, self.is_active, self.shows_party_badge)
        if loaded is not None and loaded != now:
            changed(SITE)
        self._loaded_public = now

    def delete(self, *args, **kwargs):
        changed(SITE)
        return super().delete(*args, **kwargs)

    @property
    def login_is_phone(self):
        return is_mainland_mobile(self.username)

    @property
    def masked_login(self):
        """The login name as staff lists may show it: phone numbers masked."""
        return mask_phone(self.username) if self.login_is_phone else self.username

    @property
    def public_name(self):
        """How the person appears on public pages: 王** (or 已注销居民 after deleting the account)."""
        if self.display_name == DELETED_DISPLAY_NAME:
            return DELETED_DISPLAY_NAME
        return mask_name(self.display_name or "居民")


def staff_who_may(permission):
    """Active staff who hold ``permission`` ("app_label.codename") through a role, and superusers: who gets told."""
    app_label, codename = permission.split(".")
    holds = models.Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    return User.objects.filter(holds | models.Q(is_superuser=True), is_staff=True, is_active=True).distinct()


class Grid(ShownModel):
    """A subdivision of the community (网格), looked after by a grid worker."""

    page_sections = (SITE,)

    name = models.CharField(_("名称"), max_length=40, unique=True, help_text=_("例如“第一网格”。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    description = models.TextField(_("范围说明"), blank=True, help_text=_("这个网格包括哪些街巷和小区。"))
    grid_worker = models.ForeignKey(
        User,
        verbose_name=_("网格员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids",
        limit_choices_to={"is_staff": True},
        help_text=_("负责这个网格的社区工作人员。"),
    )
    duty_phone = models.CharField(
        _("网格员电话"),
        max_length=20,
        blank=True,
        help_text=_("居民找网格员打的电话。网格页面上打码显示，本网格登记了住址的居民登录后能看到完整号码。"),
    )

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("grid", kwargs={"pk": self.pk})

    @property
    def contact_person(self):
        """Whose phone the duty phone is, for the record of who saw it in full: the grid worker."""
        return self.grid_worker

    def duty_phone_visible_to(self, user):
        """The full duty phone: staff, and residents whose confirmed home is in one of the grid's buildings; the
        public sees it masked."""
        if not user.is_authenticated:
            return False
        if user.is_staff:
            return True
        return Home.objects.filter(resident=user, building__grid=self, confirmed_at__isnull=False).exists()


class Building(ShownModel):
    """A residential building (楼栋): the approximate public location of a wish or report."""

    page_sections = (SITE,)

    grid = models.ForeignKey(
        Grid,
        verbose_name=_("所属网格"),
        on_delete=models.PROTECT,
        related_name="buildings",
        help_text=_("楼栋属于哪个网格，决定由哪位网格员负责。"),
    )
    name = models.CharField(
        _("楼栋"),
        max_length=40,
        unique=True,
        help_text=_("公开显示的大致位置，例如“团结巷3栋”。不要写门牌号。"),
    )
    households = models.PositiveIntegerField(
        _("户数"), null=True, blank=True, help_text=_("这栋楼的户数，用于统计；不知道可以留空。")
    )
    order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("在楼栋列表里的顺序，数字小的排在前面。")
    )
    # Where the building's door is (community/coordinates.py): walking times to the service circle's places and
    # the community's map start from it. Entered once; a building without it is simply left out of both.
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_latitude],
        help_text=LATITUDE_HELP,
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_longitude],
        help_text=LONGITUDE_HELP,
    )

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["grid__order", "order", "name"]
        constraints = [
            # Half a position is no position: both or neither.
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="building_position_whole",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def position(self):
        """(latitude, longitude) of its door, or None while staff have not entered it."""
        return None if self.latitude is None else (self.latitude, self.longitude)

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("纬度和经度要一起填写，或者都不填。"))


# Homes are on no public page; their section moves the counts that wait on grid workers' 我的.
HOMES = "homes"


def confirms_homes(user):
    """Grid workers (of some grid) and staff allowed to confirm homes."""
    if not (user.is_authenticated and user.is_staff):
        return False
    return user.has_perm("community.confirm_home") or Grid.objects.filter(grid_worker=user).exists()


class HomeQuerySet(ShownQuerySet):
    def visible_to(self, user):
        """A home is private: its resident, staff who may view homes, and the grid worker of its building's grid."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("community.view_home"):
            return self
        return self.filter(models.Q(resident=user) | models.Q(building__grid__grid_worker=user))

    def waiting_for(self, user):
        """Homes ``user`` should confirm: set or changed by the resident, in one of the user's grids (all of them
        for staff allowed to confirm homes)."""
        unconfirmed = self.filter(confirmed_at__isnull=True)
        if user.is_staff and user.has_perm("community.confirm_home"):
            return unconfirmed
        return unconfirmed.filter(building__grid__grid_worker=user)


class Home(ShownModel):
    """A resident's home address (住址): building, unit and room. Private; confirmed by the grid worker.

    Shown only to the resident, staff and the grid worker of the building; a
    wish or a problem report starts from it, and public pages show at most its
    building. Changing it clears the confirmation.
    """

    page_sections = (HOMES,)

    resident = models.OneToOneField(User, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="home")
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        on_delete=models.PROTECT,
        related_name="homes",
        help_text=_("从社区的楼栋名单中选择。"),
    )
    unit = models.CharField(_("单元"), max_length=10, blank=True, help_text=_("例如“2”，没有单元可以不填。"))
    room = models.CharField(_("房号"), max_length=10, help_text=_("例如“401”。"))
    updated = models.DateTimeField(_("填写时间"), auto_now=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = HomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("住址")
        verbose_name_plural = _("住址")
        indexes = [models.Index(fields=["building", "unit", "room"], name="home_household")]
        permissions = [("confirm_home", _("可确认居民的住址"))]

    def __str__(self):
        """The building and the resident's public name: admin pages list homes by it (deleting a user or a
        building), where the full address would be shown with no record of who saw it."""
        return f"{self.building.name} · {self.resident.public_name}"

    @property
    def address(self):
        """团结巷3栋2单元401"""
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building.name}{unit}{self.room}"

    def may_confirm(self, user):
        """The grid worker of the building's grid, or staff allowed to confirm homes."""
        if not user.is_authenticated:
            return False
        grid_worker = self.building.grid.grid_worker_id
        return user.pk == grid_worker or (user.is_staff and user.has_perm("community.confirm_home"))

    @classmethod
    def set_for(cls, resident, *, building, unit, room):
        """The resident sets or changes their home; a change waits for the grid worker's confirmation again."""
        home = cls.objects.filter(resident=resident).first() or cls(resident=resident)
        changed = (home.building_id, home.unit, home.room) != (building.pk, unit, room)
        home.building, home.unit, home.room = building, unit, room
        if changed:
            home.confirmed_at, home.confirmed_by = None, None
        home.save()
        return home

    def confirm(self, *, by, now=None):
        """The grid worker checked the address (a visit, the household register) and confirms it."""
        if not self.may_confirm(by):
            raise PermissionDenied
        self.confirmed_at, self.confirmed_by = now or timezone.now(), by
        self.save(update_fields=["confirmed_at", "confirmed_by"])


# --- The party: grid branches and party members ---------------------------------------------------

# Branches, memberships shown by choice, party days: the grid and branch pages.
PARTY = "party"


class PartyBranch(ShownModel):
    """A grid's party branch (网格党支部): its secretary and its members hold the monthly party day."""

    page_sections = (PARTY,)

    grid = models.OneToOneField(
        Grid,
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="party_branch",
        help_text=_("支部建在哪个网格上，一个网格一个支部。"),
    )
    name = models.CharField(_("支部名称"), max_length=40, unique=True, help_text=_("例如“第一网格党支部”。"))
    secretary = models.ForeignKey(
        User,
        verbose_name=_("支部书记"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branches_led",
        help_text=_("支部书记可以查看本支部党员的身份申报，安排和总结主题党日。"),
    )
    description = models.TextField(_("支部简介"), max_length=1000, blank=True, help_text=_("公开显示在支部页面。"))

    class Meta:
        verbose_name = _("网格党支部")
        verbose_name_plural = _("网格党支部")
        ordering = ["grid__order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("party:branch", kwargs={"pk": self.pk})


class PartyMembershipError(NotAllowed):
    """A move on a declaration the rules do not allow; shown to the person as a message, like every refusal."""


class PartyMembershipQuerySet(ShownQuerySet):
    def waiting(self):
        return self.filter(status=PartyMembership.Status.DECLARED)

    def confirmed(self):
        return self.filter(status=PartyMembership.Status.CONFIRMED)

    def visible_to(self, user):
        """The declarations ``user`` may see and decide: every one for staff holding
        community.confirm_partymembership, those naming his branch for a branch secretary; never his own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("community.confirm_partymembership"):
            return self.exclude(member=user)
        return self.filter(branch__secretary=user).exclude(member=user)


def decides_memberships(user):
    """Whether ``user`` confirms declarations at all (staff with the permission, or a branch secretary)."""
    if not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm("community.confirm_partymembership"):
        return True
    return PartyBranch.objects.filter(secretary=user).exists()


class PartyMembership(ShownModel):
    """A resident's declared party membership (党员身份): sensitive personal data under PIPL.

    Declared with a separate consent, confirmed (or not) by staff who hold the
    dedicated permission or by the branch secretary. Public pages show it only
    as the 党员 badge, and only while it is confirmed and the member chose to
    show it (亮身份); ``save`` keeps ``User.shows_party_badge`` in step.
    """

    page_sections = (PARTY,)

    class Status(models.TextChoices):
        DECLARED = "declared", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未通过")

    member = models.OneToOneField(
        User, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="party_membership"
    )
    branch = models.ForeignKey(
        PartyBranch,
        verbose_name=_("所在网格党支部"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("组织关系在本社区网格党支部的选支部；组织关系在工作单位的在职党员不选。"),
    )
    organisation = models.CharField(
        _("组织关系所在党组织"), max_length=60, help_text=_("例如“第一网格党支部”“市委党校机关党支部”。")
    )
    joined_year = models.PositiveSmallIntegerField(_("入党年份"), help_text=_("例如 1985。"))
    consent_at = models.DateTimeField(_("同意处理党员身份信息的时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DECLARED)
    shows_badge = models.BooleanField(
        _("亮身份"), default=False, help_text=_("本人选择在认领、活动、吹哨回复等处显示“党员”标识。")
    )
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = PartyMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员身份")
        verbose_name_plural = _("党员身份")
        permissions = [("confirm_partymembership", _("可查看和确认居民申报的党员身份"))]

    def __str__(self):
        return f"{self.member.public_name} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("party:membership")

    # --- The declaration's life: declare → confirm / reject; the member withdraws it or shows the badge --------

    @classmethod
    def declare(cls, member, *, organisation, joined_year, branch=None, consent=False, now=None):
        """The member declares (or corrects) his membership, with the separate consent PIPL asks for.

        Without the consent nothing is saved. A correction waits for confirmation again; the badge, if he chose
        it, shows again once confirmed.
        """
        if not consent:
            raise PartyMembershipError(
                gettext("党员身份属于敏感个人信息，需要您单独勾选同意后才能申报；没有保存任何信息。")
            )
        with transaction.atomic():
            # The member's row, locked, created if missing: of two clicks at once, the second's insert waits for
            # the first's and, refused by the unique member, get_or_create reads (and locks) the row it made.
            membership, created = cls.objects.select_for_update().get_or_create(
                member=member,
                defaults={
                    "branch": branch,
                    "organisation": organisation,
                    "joined_year": joined_year,
                    "consent_at": now or timezone.now(),
                },
            )
            details = (branch.pk if branch else None, organisation, joined_year)
            if created or details != (
                membership.branch_id,
                membership.organisation,
                membership.joined_year,
            ):
                membership.status = cls.Status.DECLARED
                membership.decided_at, membership.decided_by, membership.decision_note = None, None, ""
            elif membership.status == cls.Status.REJECTED:
                membership.status = cls.Status.DECLARED
            membership.branch, membership.organisation, membership.joined_year = branch, organisation, joined_year
            membership.consent_at = now or timezone.now()
            membership.save()
        return membership

    def may_decide(self, user):
        """Staff holding community.confirm_partymembership, or the secretary of the branch it names; not the
        member himself."""
        return PartyMembership.objects.visible_to(user).filter(pk=self.pk).exists()

    def _lock(self):
        self.refresh_from_db(from_queryset=PartyMembership.objects.select_for_update())

    # The member is told and the audit trail records who decided by party.services (membership_confirm /
    # membership_reject), which call these inside their transaction: community.audit and .notifications import
    # this module, so it cannot call them.

    def confirm(self, *, by, now=None):
        """A secretary or staff confirms the declaration: the member may claim wishes and show the badge."""
        self._decide(self.Status.CONFIRMED, by=by, note="", now=now)

    def reject(self, *, by, reason, now=None):
        """Not confirmed, with the reason the member is told."""
        if not reason.strip():
            raise PartyMembershipError(gettext("请写明不予确认的原因，申报人会看到。"))
        self._decide(self.Status.REJECTED, by=by, note=reason.strip(), now=now)

    def _decide(self, status, *, by, note, now):
        if not self.may_decide(by):
            raise PermissionDenied
        with transaction.atomic():
            self._lock()
            if self.status != self.Status.DECLARED:
                raise PartyMembershipError(
                    gettext("这份申报现在是“%(status)s”，已经处理过了。") % {"status": self.get_status_display()}
                )
            self.status, self.decided_at, self.decided_by, self.decision_note = status, now or timezone.now(), by, note
            self.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])

    def withdraw(self, *, by):
        """The member withdraws his declaration: the row is deleted and the badge goes with it."""
        if by.pk != self.member_id:
            raise PermissionDenied
        with transaction.atomic():
            self._lock()
            self.delete()

    def show_badge(self, shown, *, by):
        """亮身份: a confirmed member chooses whether public pages show 党员 next to his name."""
        if by.pk != self.member_id:
            raise PermissionDenied
        with transaction.atomic():
            self._lock()
            if self.status != self.Status.CONFIRMED:
                raise PartyMembershipError(gettext("党员身份确认后才能选择亮身份。"))
            self.shows_badge = shown
            self.save(update_fields=["shows_badge"])

    @property
    def badge_shown(self):
        """The one rule for the public 党员 badge: confirmed, and the member chose to show it."""
        return self.status == self.Status.CONFIRMED and self.shows_badge

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _show_party_badge(self.member_id, self.badge_shown)

    def delete(self, *args, **kwargs):
        member_id = self.member_id
        result = super().delete(*args, **kwargs)
        _show_party_badge(member_id, False)
        return result


def _show_party_badge(user_id, shown):
    """Bring the user's kept badge flag in step; public pages that name them are stale when it moves."""
    if User.objects.filter(pk=user_id).exclude(shows_party_badge=shown).update(shows_party_badge=shown):
        changed(SITE)


def is_party_member(user):
    """A confirmed party member (党员): may claim wishes and sign up for party days."""
    return user.is_authenticated and confirmed_party_membership(user).exists()


def confirmed_party_membership(user):
    """The person's confirmed membership: a row when they are a party member (read with other rows, as 我的 does)."""
    return PartyMembership.objects.filter(member=user, status=PartyMembership.Status.CONFIRMED)


class Image(ShownModel):
    """An uploaded photo, stored only as re-encoded web renditions (see community/images.py).

    ``renditions`` lists [width, height, storage name] from small to large.
    Templates draw it with ``{% image %}``, which writes src, srcset, width,
    height, alt and lazy loading. A new photo is on no page until something
    uses it (and that change reports its own section); a changed one may be
    on any page.
    """

    page_sections = (SITE,)

    key = models.UUIDField(_("编号"), unique=True, editable=False)
    alt = models.CharField(
        _("图片说明"), max_length=120, blank=True, help_text=_("用一句话说明图片内容，读屏软件会读给看不见图片的人听。")
    )
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    renditions = models.JSONField(_("尺寸版本"), default=list)
    private = models.BooleanField(_("不公开"), default=False, help_text=_("不公开的照片只有有权查看的人能打开。"))
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        ordering = ["-created"]

    def __str__(self):
        return self.alt or str(self.key)

    def save(self, *args, **kwargs):
        if self._state.adding:
            super(ShownModel, self).save(*args, **kwargs)  # on no page yet
        else:
            super().save(*args, **kwargs)

    def _rendition_url(self, width, name):
        if self.private:
            return reverse("private_photo", kwargs={"key": self.key.hex, "width": width})
        from django.core.files.storage import default_storage

        return default_storage.url(name)

    def url(self, width=None):
        """The URL of the smallest rendition at least ``width`` wide (the largest if none is)."""
        chosen = self.renditions[-1]
        if width:
            chosen = next((r for r in self.renditions if r[0] >= width), chosen)
        return self._rendition_url(chosen[0], chosen[2])

    @property
    def srcset(self):
        return ", ".join(f"{self._rendition_url(width, name)} {width}w" for width, _height, name in self.renditions)


# Notifications are on no public page; their section moves the staff call list's count on 我的.
NOTIFICATIONS = "notifications"


class NotificationQuerySet(ShownQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)

    def needing_a_call(self, now=None):
        """Unread news for residents who will not see it online: no email, not logged in since.

        Many elderly residents never open an inbox; staff phone them instead.
        Only notifications older than CALL_LIST_AFTER_HOURS (or marked ``call_now``: a reminder for tomorrow
        cannot wait), not yet phoned.
        """
        now = now or timezone.now()
        return (
            self.unread()
            .filter(
                models.Q(created__lte=now - timedelta(hours=settings.CALL_LIST_AFTER_HOURS)) | models.Q(call_now=True),
                phoned_at__isnull=True,
                recipient__email="",
                recipient__is_active=True,
            )
            .filter(
                models.Q(recipient__last_login__isnull=True) | models.Q(recipient__last_login__lt=models.F("created"))
            )
            .select_related("recipient")
            .order_by("created")
        )


class Notification(ShownModel):
    """A message for one person: in the site's inbox, by email when they have one, by phone otherwise."""

    page_sections = (NOTIFICATIONS,)

    class Email(models.TextChoices):
        NONE = "none", _("不发邮件")
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        User, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_status = models.CharField(_("邮件"), max_length=10, choices=Email.choices, default=Email.NONE)
    email_attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    phoned_at = models.DateTimeField(_("电话通知时间"), null=True, blank=True)
    phoned_by = models.ForeignKey(
        User, verbose_name=_("电话通知人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    call_now = models.BooleanField(
        _("立即电话通知"),
        default=False,
        help_text=_("勾选的通知（如活动提醒）不等待通常的时间，立即进入待电话通知名单（没有邮箱的居民）。"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(
                fields=["created"], name="notification_email_outbox", condition=models.Q(email_status="pending")
            ),
        ]
        permissions = [("call_residents", _("可查看待电话通知名单并登记已通知"))]

    def __str__(self):
        return self.title

    def mark_read(self, now=None):
        if self.read_at is None:
            self.read_at = now or timezone.now()
            self.save(update_fields=["read_at"])

    def mark_phoned(self, *, by, now=None):
        self.phoned_at = now or timezone.now()
        self.phoned_by = by
        self.save(update_fields=["phoned_at", "phoned_by"])


class AuditEntry(models.Model):
    """Who did what to which record, and what changed: the answer to "who changed this?".

    Written by community.audit.record for staff and leader actions. Personal
    fields are masked when written, so that erasing a resident's data never
    has to rewrite this history. Nobody edits or deletes entries.
    """

    actor = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(_("操作人称呼"), max_length=60, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60)
    target_id = models.CharField(_("对象编号"), max_length=40)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True, help_text=_("字段：[之前，之后]；个人信息已打码。"))
    note = models.TextField(_("说明"), blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self):
        return f"{self.actor_name} {self.action} {self.target_label}"


class ContactView(models.Model):
    """Someone other than the resident saw the resident's full phone or address.

    ``subject`` is the resident's account. A resident without one (a wish or a
    report staff entered for her: 代录) is named by the record that holds her
    details: ``target_*``, the generic pointer of ``AuditEntry`` (a record of
    any app, without a foreign key). A view of a record whose resident has an
    account names both. When such a record is handed to her new account
    (``Wish.attach_to``), its views pass to it (``community.audit.pass_contact_views``),
    so that her list on “我的” shows them.
    """

    subject = models.ForeignKey(
        User,
        verbose_name=_("居民"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_views",
        help_text=_("看到的是哪位居民的联系方式；代录的居民没有账号时为空，由“对象”指明。"),
    )
    viewer = models.ForeignKey(User, verbose_name=_("查看人"), on_delete=models.SET_NULL, null=True, related_name="+")
    viewer_role = models.CharField(_("查看人身份"), max_length=40)
    context = models.CharField(_("在哪里看到"), max_length=200)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    target_label = models.CharField(
        _("对象"), max_length=200, blank=True, help_text=_("联系方式所在的记录，例如代录的心愿。")
    )
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("联系方式查看记录")
        verbose_name_plural = _("联系方式查看记录")
        ordering = ["-created"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="contactview_target")]
        constraints = [
            # A view names whose details were seen: her account, or the record that holds them.
            models.CheckConstraint(
                condition=models.Q(subject__isnull=False) | ~models.Q(target_type=""), name="contactview_names_someone"
            )
        ]

    def __str__(self):
        return f"{self.viewer_role} · {self.context}"


class SectionVersion(models.Model):
    """When each section of the site last changed (community/sections.py): the authoritative page-cache versions.

    A version moves in the transaction of the change that makes it (a change
    that rolls back moves nothing); caches only hold pages tagged with the
    versions they were built from, and every lookup compares them with these.
    """

    section = models.CharField(_("部分"), max_length=40, primary_key=True)
    version = models.BigIntegerField(_("版本"), help_text=_("最后一次变化的时刻（微秒）。"))

    class Meta:
        verbose_name = _("页面版本")
        verbose_name_plural = _("页面版本")

    def __str__(self):
        return f"{self.section} {self.version}"


class RateCounter(models.Model):
    """Hits of one key (action and client or account) in one time window; see community/ratelimit.py.

    The table is UNLOGGED (a crash loses the counters, which only delays limits).
    """

    key = models.CharField(_("键"), max_length=200)
    period = models.PositiveIntegerField(_("时长（秒）"))
    window_start = models.DateTimeField(_("时间窗开始"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("频率计数")
        verbose_name_plural = _("频率计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "period", "window_start"], name="ratecounter_one_row_per_window")
        ]

    def __str__(self):
        return f"{self.key} {self.window_start:%H:%M}: {self.count}"


class JobRun(models.Model):
    """When each periodic job last ran, so that ``run_jobs`` only runs those that are due."""

    name = models.CharField(_("任务"), max_length=80, unique=True)
    last_started = models.DateTimeField(_("上次开始"), null=True, blank=True)
    last_finished = models.DateTimeField(_("上次结束"), null=True, blank=True)
    last_ok = models.BooleanField(_("上次成功"), default=True)
    last_message = models.TextField(_("上次结果"), blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        ordering = ["name"]

    def __str__(self):
        return self.name
