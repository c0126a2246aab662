"""Volunteer teams, workstations, volunteers, partner units, activities and service hours.

Rules live on the models: each change of state is one method that checks the
current state, locks what it must, writes with ``update_fields`` and raises
``VolunteerError`` (a message for the person) when the move is not allowed.
"""

import functools
import itertools
import operator
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, ExpressionWrapper, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit
from community.lifecycle import NotAllowed
from community.models import Image, PartyBranch, User, is_party_member
from community.notifications import notify
from community.privacy import mask_phone
from community.sections import ShownModel, ShownQuerySet

SECTION = "volunteers"
# Appointments are on no public page; their section moves the counts that wait on 我的.
APPOINTMENTS = "appointments"


class VolunteerError(NotAllowed):
    """A volunteering move that is not allowed; the message is for the person who tried it."""


def _year_bounds(year):
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz).date(), datetime(year + 1, 1, 1, tzinfo=tz).date()


def hour_totals(records, year=None):
    """The total and ``year``'s (this year's) hours of ``records``: a values queryset of one row (none without
    records), read alone or with other lists (community/together.py)."""
    start, end = _year_bounds(year or timezone.localdate().year)
    return (
        records.order_by()
        .annotate(_all=models.Value(1))
        .values("_all")
        .annotate(
            total=Sum("hours", default=Decimal("0")),
            year=Sum("hours", filter=Q(served_on__gte=start, served_on__lt=end), default=Decimal("0")),
        )
        .values("total", "year")
    )


# --- Volunteers -------------------------------------------------------------------------------


class VolunteerQuerySet(ShownQuerySet):
    def approved(self):
        return self.filter(status=Volunteer.Status.APPROVED)

    def with_hours(self, year=None):
        """Annotate total hours (and this year's, or ``year``'s) from the service-hour records."""
        year = year or timezone.localdate().year
        start, end = _year_bounds(year)
        return self.annotate(
            total_hours=Sum("hour_records__hours", default=Decimal("0")),
            year_hours=Sum(
                "hour_records__hours",
                filter=Q(hour_records__served_on__gte=start, hour_records__served_on__lt=end),
                default=Decimal("0"),
            ),
        )


class Volunteer(ShownModel):
    """A resident who applied to volunteer; staff approve or reject the application."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        APPLIED = "applied", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    user = models.OneToOneField(
        User,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="volunteer",
        help_text=_("志愿者用来登录的账号。"),
    )
    real_name = models.CharField(
        _("真实姓名"), max_length=20, help_text=_("用于记录服务时长和出具证明，公开页面不显示全名。")
    )
    phone = models.CharField(_("手机号"), max_length=11, help_text=_("只有社区工作人员和所在服务队的队长能看到。"))
    skills = models.CharField(
        _("特长"), max_length=200, blank=True, help_text=_("例如：理发、修家电、会开车、懂法律。")
    )
    availability = models.CharField(
        _("有空的时间"), max_length=100, blank=True, help_text=_("例如：周末上午、工作日晚上。")
    )
    wanted_teams = models.ManyToManyField(
        "Team",
        verbose_name=_("想加入的服务队"),
        blank=True,
        related_name="+",
        help_text=_("申请时选的服务队；审核通过后会向这些队发出入队申请。"),
    )
    terms_accepted_at = models.DateTimeField(_("同意志愿者守则时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    applied_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    show_on_honour_roll = models.BooleanField(
        _("光荣榜上显示称呼"), default=False, help_text=_("不勾选时，光荣榜只显示“王**”这样的称呼。")
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["-applied_at"]
        indexes = [models.Index(fields=["status", "-applied_at"], name="volunteer_status")]
        permissions = [("review_volunteer", _("可审核志愿者申请"))]

    def __str__(self):
        return self.real_name

    def get_absolute_url(self):
        return reverse("volunteers:record", kwargs={"pk": self.pk})

    @property
    def public_name(self):
        """On public pages: the display name if the volunteer chose so, else masked (王**)."""
        return self.user.display_name if self.show_on_honour_roll else self.user.public_name

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def contact_person(self):
        """Whose phone this is (see ContactView)."""
        return self.user

    def phone_visible_to(self, user):
        """Staff who manage volunteers, and leaders of a team this volunteer belongs to."""
        if not user.is_authenticated:
            return False
        if user.is_staff and user.has_perm("volunteers.view_volunteer"):
            return True
        return TeamMembership.objects.filter(
            volunteer=self, status=TeamMembership.Status.ACCEPTED, team__in=Team.objects.led_by(user)
        ).exists()

    @classmethod
    def apply(cls, *, user, teams=(), **fields):
        """A resident applies to volunteer (again, if rejected before)."""
        with transaction.atomic():
            existing = cls.objects.select_for_update().filter(user=user).first()
            if existing and existing.status != cls.Status.REJECTED:
                raise VolunteerError(
                    gettext("您已经是志愿者了。")
                    if existing.status == cls.Status.APPROVED
                    else gettext("您的申请正在审核，请耐心等待。")
                )
            volunteer = existing or cls(user=user)
            for name, value in fields.items():
                setattr(volunteer, name, value)
            volunteer.status = cls.Status.APPLIED
            volunteer.reject_reason = ""
            volunteer.terms_accepted_at = timezone.now()
            volunteer.save()
            volunteer.wanted_teams.set(teams)
        return volunteer

    def approve(self, *, by):
        """Staff approve: the volunteer may sign up for activities and claim wishes; join requests go out."""
        with transaction.atomic():
            locked = Volunteer.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.APPLIED:
                raise VolunteerError(gettext("这份申请已经审核过了。"))
            self.status, self.decided_at, self.decided_by = self.Status.APPROVED, timezone.now(), by
            self.save(update_fields=["status", "decided_at", "decided_by"])
            for team in self.wanted_teams.all():
                TeamMembership.objects.get_or_create(
                    team=team, volunteer=self, defaults={"status": TeamMembership.Status.REQUESTED}
                )
            audit.record(actor=by, action="volunteer.approve", target=self)
            notify(self.user, gettext("您的志愿者申请已通过，欢迎加入！"), url=reverse("volunteers:index"))

    def reject(self, *, by, reason):
        if not reason.strip():
            raise VolunteerError(gettext("请写明未通过的原因，申请人会看到。"))
        with transaction.atomic():
            locked = Volunteer.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.APPLIED:
                raise VolunteerError(gettext("这份申请已经审核过了。"))
            self.status, self.reject_reason = self.Status.REJECTED, reason
            self.decided_at, self.decided_by = timezone.now(), by
            self.save(update_fields=["status", "reject_reason", "decided_at", "decided_by"])
            audit.record(actor=by, action="volunteer.reject", target=self, note=reason)
            notify(
                self.user,
                gettext("您的志愿者申请没有通过"),
                body=gettext("原因：%(reason)s") % {"reason": reason},
                url=reverse("me"),
            )

    def hours(self, year=None):
        """(total, this year's) service hours."""
        rows = list(hour_totals(self.hour_records.all(), year))
        return rows[0] if rows else {"total": Decimal("0"), "year": Decimal("0")}


# --- Teams -----------------------------------------------------------------------------------


class TeamQuerySet(ShownQuerySet):
    def active(self):
        return self.filter(active=True)

    def led_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__volunteer__user=user,
            memberships__is_leader=True,
            memberships__status=TeamMembership.Status.ACCEPTED,
        )

    def with_figures(self, year=None):
        """Member count, total and this year's hours, without loading members or records."""
        year = year or timezone.localdate().year
        start, end = _year_bounds(year)
        members = TeamMembership.objects.filter(team=models.OuterRef("pk"), status=TeamMembership.Status.ACCEPTED)
        hours = ServiceHourRecord.objects.filter(activity__team=models.OuterRef("pk"))
        return self.annotate(
            member_count=models.Subquery(
                members.values("team").annotate(n=Count("pk")).values("n")[:1], output_field=models.IntegerField()
            ),
            total_hours=models.Subquery(
                hours.values("activity__team").annotate(h=Sum("hours")).values("h")[:1],
                output_field=models.DecimalField(),
            ),
            year_hours=models.Subquery(
                hours.filter(served_on__gte=start, served_on__lt=end)
                .values("activity__team")
                .annotate(h=Sum("hours"))
                .values("h")[:1],
                output_field=models.DecimalField(),
            ),
        )


class Team(ShownModel):
    """A volunteer service team or association (志愿服务队 / 协会)."""

    page_sections = (SECTION,)

    class Kind(models.TextChoices):
        TEAM = "team", _("志愿服务队")
        ASSOCIATION = "association", _("协会")

    name = models.CharField(
        _("名称"), max_length=40, unique=True, help_text=_("服务队或协会的名称，例如“爱心助老协会”。")
    )
    kind = models.CharField(
        _("类型"),
        max_length=12,
        choices=Kind.choices,
        default=Kind.ASSOCIATION,
        help_text=_("志愿服务队还是协会，显示在名称下方。"),
    )
    description = models.TextField(
        _("简介"), max_length=1000, help_text=_("这个队做什么、什么时候活动、欢迎什么样的人加入。")
    )
    logo = models.ForeignKey(
        Image, verbose_name=_("标志"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    office_phone = models.CharField(
        _("办公电话"), max_length=20, blank=True, help_text=_("公开显示的办公电话，不要填个人手机。")
    )
    order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("在志愿服务页面上的顺序，数字小的排在前面。")
    )
    active = models.BooleanField(
        _("在运行"), default=True, help_text=_("不再活动的队取消勾选：页面上不再显示，历史时长保留。")
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务队")
        verbose_name_plural = _("服务队")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:team", kwargs={"pk": self.pk})

    def leader_users(self):
        """The accounts of the team's leaders (队长/负责人)."""
        return User.objects.filter(
            volunteer__memberships__team=self,
            volunteer__memberships__is_leader=True,
            volunteer__memberships__status=TeamMembership.Status.ACCEPTED,
        )

    def is_led_by(self, user, leaders=None):
        """Whether ``user`` leads this team (``leaders``: this team's leading volunteers, if already loaded)."""
        if not user.is_authenticated:
            return False
        if leaders is not None:
            return any(leader.user_id == user.pk for leader in leaders)
        return Team.objects.led_by(user).filter(pk=self.pk).exists()

    def may_manage(self, user, leaders=None):
        """Staff who manage teams, or one of this team's leaders: accept members, see their phones."""
        if not user.is_authenticated:
            return False
        return (user.is_staff and user.has_perm("volunteers.change_team")) or self.is_led_by(user, leaders)

    def member_phones_visible_to(self, user, leaders=None):
        """Members' phone numbers: this team's leaders and staff who manage volunteers."""
        if not user.is_authenticated:
            return False
        return (user.is_staff and user.has_perm("volunteers.view_volunteer")) or self.is_led_by(user, leaders)


class TeamMembership(ShownModel):
    """A volunteer in a team: requested by the volunteer, accepted by the team's leader or staff."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        REQUESTED = "requested", _("申请加入")
        ACCEPTED = "accepted", _("队员")
        DECLINED = "declined", _("未同意")
        LEFT = "left", _("已退出")

    team = models.ForeignKey(Team, verbose_name=_("服务队"), on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    is_leader = models.BooleanField(_("队长/负责人"), default=False)
    created = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("处理人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["-is_leader", "created"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="membership_once_per_team")]

    def __str__(self):
        return f"{self.team} · {self.volunteer}"

    @classmethod
    def request(cls, *, team, volunteer):
        """An approved volunteer asks to join a team."""
        if volunteer.status != Volunteer.Status.APPROVED:
            raise VolunteerError(gettext("审核通过成为志愿者后，才能申请加入服务队。"))
        with transaction.atomic():
            membership, created = cls.objects.select_for_update().get_or_create(team=team, volunteer=volunteer)
            if not created:
                if membership.status in (cls.Status.REQUESTED, cls.Status.ACCEPTED):
                    raise VolunteerError(gettext("您已经申请过或已经是队员了。"))
                membership.status = cls.Status.REQUESTED
                membership.save(update_fields=["status"])
        return membership

    def decide(self, *, by, accept):
        """The team's leader (or staff) accepts or declines a join request."""
        if not self.team.may_manage(by):
            raise VolunteerError(gettext("只有服务队的队长或社区工作人员可以处理入队申请。"))
        with transaction.atomic():
            locked = TeamMembership.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.REQUESTED:
                raise VolunteerError(gettext("这条申请已经处理过了。"))
            self.status = self.Status.ACCEPTED if accept else self.Status.DECLINED
            self.decided_at, self.decided_by = timezone.now(), by
            self.save(update_fields=["status", "decided_at", "decided_by"])
            audit.record(actor=by, action=f"membership.{self.status}", target=self)
            message = gettext("您已加入%(team)s。") if accept else gettext("%(team)s暂时没有同意您的入队申请。")
            notify(self.volunteer.user, message % {"team": self.team.name}, url=self.team.get_absolute_url())


# --- Partner units ---------------------------------------------------------------------------


class PartnerUnitQuerySet(ShownQuerySet):
    def approved(self):
        """Units staff approved (双报到): the only ones on public pages, that claim wishes and answer whistles."""
        return self.filter(registration=PartnerUnit.Registration.APPROVED)

    def with_member(self, user):
        """The approved partner units ``user`` acts for."""
        if not user.is_authenticated:
            return self.none()
        return self.approved().filter(memberships__user=user)

    def with_contact(self, user):
        """The approved partner units whose contact (单位联系人) ``user`` is."""
        if not user.is_authenticated:
            return self.none()
        return self.approved().filter(memberships__user=user, memberships__is_contact=True)


class PartnerUnit(ShownModel):
    """An organisation linked to the community (共建单位): a party school, a bureau, a company …"""

    page_sections = (SECTION,)

    class Kind(models.TextChoices):
        PARTY_SCHOOL = "school", _("党校/学校")
        GOVERNMENT = "government", _("机关单位")
        ENTERPRISE = "enterprise", _("企业")
        ORGANISATION = "organisation", _("社会组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=40, unique=True, help_text=_("单位全称，例如“市委党校”。"))
    kind = models.CharField(
        _("类型"), max_length=12, choices=Kind.choices, default=Kind.GOVERNMENT, help_text=_("单位类型，用于统计。")
    )
    description = models.TextField(
        _("简介"), max_length=1000, blank=True, help_text=_("单位和社区共建的情况，公开显示在单位页面。")
    )
    office_phone = models.CharField(
        _("联系电话（办公室）"), max_length=20, blank=True, help_text=_("公开显示的办公电话，不要填个人手机。")
    )
    office_address = models.CharField(_("办公地址"), max_length=100, blank=True, help_text=_("公开显示的办公地址。"))
    logo = models.ForeignKey(
        Image, verbose_name=_("标志"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Registration(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        DECLINED = "declined", _("未通过")

    # 双报到: a unit registers itself (or staff register it); it is public and acts once staff approved it.
    # Units from before registration existed were all entered by staff, so the column defaults to approved.
    registration = models.CharField(
        _("报到状态"), max_length=10, choices=Registration.choices, default=Registration.APPROVED
    )
    contact_name = models.CharField(
        _("联系人"), max_length=20, blank=True, help_text=_("单位和社区对接的联系人，不公开。")
    )
    contact_phone = models.CharField(_("联系人手机"), max_length=20, blank=True, help_text=_("不公开。"))
    registered_by = models.ForeignKey(
        User, verbose_name=_("报到人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    members = models.ManyToManyField(
        User,
        verbose_name=_("成员"),
        through="PartnerMembership",
        through_fields=("unit", "user"),
        related_name="partner_units",
        help_text=_("代表单位认领心愿、响应吹哨的人员账号。"),
    )

    objects = PartnerUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:unit", kwargs={"pk": self.pk})

    @property
    def contact_person(self):
        """Whose mobile ``contact_phone`` is, as the record of views names it: the person who registered the unit."""
        return self.registered_by

    # --- 双报到: a unit registers, staff decide ---------------------------------------------------

    @classmethod
    def register(cls, *, by, **fields):
        """A signed-in person registers a unit (单位报到): it waits, unseen, until staff approve it."""
        unit = cls(registration=cls.Registration.PENDING, registered_by=by, registered_at=timezone.now(), **fields)
        try:
            with transaction.atomic():
                unit.save()
                audit.record(actor=by, action="partnerunit.register", target=unit)
        except IntegrityError:  # the name is taken (the unique constraint settles two registrations at once)
            raise VolunteerError(gettext("这个单位已经报到过了，请联系社区。")) from None
        return unit

    def approve(self, *, by):
        """Staff approve a registration: the unit appears on public pages and the person who registered it
        becomes its contact (单位联系人), who is told."""
        with transaction.atomic():
            locked = PartnerUnit.objects.select_for_update().get(pk=self.pk)
            if locked.registration != self.Registration.PENDING:
                raise VolunteerError(gettext("这个单位的报到已经审核过了。"))
            self.registration, self.decided_at, self.decided_by = self.Registration.APPROVED, timezone.now(), by
            self.save(update_fields=["registration", "decided_at", "decided_by"])
            if self.registered_by_id:
                PartnerMembership.objects.update_or_create(
                    unit=self, user_id=self.registered_by_id, defaults={"is_contact": True, "added_by": by}
                )
                notify(
                    self.registered_by,
                    gettext("“%(name)s”的单位报到已通过，您是单位联系人。") % {"name": self.name},
                    url=reverse("me"),
                )
            audit.record(actor=by, action="partnerunit.approve", target=self)

    def decline(self, *, by, reason):
        if not reason.strip():
            raise VolunteerError(gettext("请写明未通过的原因，报到人会看到。"))
        with transaction.atomic():
            locked = PartnerUnit.objects.select_for_update().get(pk=self.pk)
            if locked.registration != self.Registration.PENDING:
                raise VolunteerError(gettext("这个单位的报到已经审核过了。"))
            self.registration, self.decided_at, self.decided_by = self.Registration.DECLINED, timezone.now(), by
            self.save(update_fields=["registration", "decided_at", "decided_by"])
            audit.record(actor=by, action="partnerunit.decline", target=self, note=reason)
            if self.registered_by_id:
                notify(
                    self.registered_by,
                    gettext("“%(name)s”的单位报到没有通过") % {"name": self.name},
                    body=gettext("原因：%(reason)s") % {"reason": reason},
                    url=reverse("me"),
                )


class PartnerMembership(ShownModel):
    """A person who acts for a partner unit; added by staff, no volunteer application needed."""

    page_sections = (SECTION,)

    unit = models.ForeignKey(
        PartnerUnit, verbose_name=_("共建单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        User, verbose_name=_("成员账号"), on_delete=models.CASCADE, related_name="partner_memberships"
    )
    added_by = models.ForeignKey(
        User, verbose_name=_("添加人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("添加时间"), auto_now_add=True)
    is_contact = models.BooleanField(
        _("单位联系人"), default=False, help_text=_("单位联系人代表单位和社区对接，可以查看本单位报到的在职党员。")
    )

    class Meta:
        verbose_name = _("共建单位成员")
        verbose_name_plural = _("共建单位成员")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="partner_member_once")]

    def __str__(self):
        return f"{self.unit} · {self.user}"


# --- Workstations and appointments ---------------------------------------------------------------


class Workstation(ShownModel):
    """A personal volunteer workstation (志愿者个性化服务工作室) named after the grassroots leader who runs it."""

    page_sections = (SECTION,)

    name = models.CharField(
        _("名称"), max_length=40, unique=True, help_text=_("通常以负责人的名字命名，例如“李秀英调解工作室”。")
    )
    leader = models.ForeignKey(
        User,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="workstations",
        help_text=_("负责人处理居民的预约，需要有门户账号。"),
    )
    services = models.CharField(
        _("服务内容"), max_length=200, help_text=_("用顿号分开，例如：调解邻里纠纷、谈心疏导、帮老人办事。")
    )
    description = models.TextField(
        _("介绍"), max_length=1000, blank=True, help_text=_("介绍工作室的来历和能帮居民做什么。")
    )
    place = models.CharField(_("地点"), max_length=100, help_text=_("居民上门的地点，例如“社区党群服务中心二楼”。"))
    photo = models.ForeignKey(
        Image, verbose_name=_("照片"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("在志愿服务页面上的顺序，数字小的排在前面。")
    )

    class Meta:
        verbose_name = _("个性化服务工作室")
        verbose_name_plural = _("个性化服务工作室")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:workstation", kwargs={"pk": self.pk})

    @property
    def service_list(self):
        # Staff separate services with 、 or a comma, half- or full-width.
        return [item.strip() for item in re.split(r"[、,，]", self.services) if item.strip()]

    def may_manage(self, user):
        """The workstation's leader and staff who handle appointments."""
        if not user.is_authenticated:
            return False
        return self.leader_id == user.pk or (user.is_staff and user.has_perm("volunteers.change_appointment"))

    def is_open(self, day, start, end, hours=None):
        """Whether [start, end] on ``day`` falls inside one of the opening hours."""
        hours = self.opening_hours.all() if hours is None else hours
        return any(h.weekday == day.weekday() and h.start <= start and end <= h.end for h in hours)


class OpeningHours(ShownModel):
    """One weekday's opening time range of a workstation."""

    page_sections = (SECTION,)

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("周一")
        TUESDAY = 1, _("周二")
        WEDNESDAY = 2, _("周三")
        THURSDAY = 3, _("周四")
        FRIDAY = 4, _("周五")
        SATURDAY = 5, _("周六")
        SUNDAY = 6, _("周日")

    workstation = models.ForeignKey(
        Workstation, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="opening_hours_start_before_end")
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Appointment(ShownModel):
    """A resident's request to visit a workstation (预约); the leader or staff answer it."""

    page_sections = (APPOINTMENTS,)

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        PROPOSED = "proposed", _("建议改时间")
        DECLINED = "declined", _("未能安排")
        CANCELLED = "cancelled", _("已取消")

    workstation = models.ForeignKey(
        Workstation, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="appointments"
    )
    resident = models.ForeignKey(User, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="appointments")
    day = models.DateField(_("日期"))
    start = models.TimeField(_("从"))
    end = models.TimeField(_("到"))
    topic = models.CharField(_("想谈的事"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=12, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reply = models.CharField(_("回复"), max_length=200, blank=True)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)
    answered_by = models.ForeignKey(
        User, verbose_name=_("处理人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="appointment_start_before_end")
        ]

    def __str__(self):
        return f"{self.workstation} {self.day} {self.start:%H:%M}"

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def contact_person(self):
        """Whose phone this is (see ContactView)."""
        return self.resident

    @classmethod
    def request(cls, *, workstation, resident, **fields):
        """A resident asks for a time; the workstation's leader is told."""
        appointment = cls.objects.create(workstation=workstation, resident=resident, **fields)
        notify(
            workstation.leader,
            gettext("%(place)s有新的预约：%(day)s") % {"place": workstation.name, "day": appointment.day},
            url=reverse("volunteers:appointments", kwargs={"pk": workstation.pk}),
        )
        return appointment

    def _answer(self, *, by, to, reply="", **fields):
        if not self.workstation.may_manage(by):
            raise VolunteerError(gettext("只有工作室负责人或社区工作人员可以处理预约。"))
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=self.pk)
            if locked.status not in (self.Status.REQUESTED, self.Status.PROPOSED):
                raise VolunteerError(gettext("这条预约已经处理过了。"))
            self.status, self.reply, self.answered_by = to, reply, by
            for name, value in fields.items():
                setattr(self, name, value)
            self.save(update_fields=["status", "reply", "answered_by", *fields])
            audit.record(actor=by, action=f"appointment.{to}", target=self, note=reply)
            notify(
                self.resident,
                gettext("您在%(place)s的预约：%(status)s")
                % {"place": self.workstation.name, "status": self.get_status_display()},
                body=reply,
                url=reverse("me"),
            )

    def confirm(self, *, by, reply=""):
        self._answer(by=by, to=self.Status.CONFIRMED, reply=reply)

    def propose(self, *, by, day, start, end, reply=""):
        """Suggest another time; the resident sees it on “我的” and may accept or cancel."""
        self._answer(by=by, to=self.Status.PROPOSED, reply=reply, day=day, start=start, end=end)

    def decline(self, *, by, reply):
        if not reply.strip():
            raise VolunteerError(gettext("请写明不能安排的原因，居民会看到。"))
        self._answer(by=by, to=self.Status.DECLINED, reply=reply)

    def accept_proposal(self, *, by):
        if by.pk != self.resident_id:
            raise VolunteerError(gettext("只有预约的居民可以接受新时间。"))
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.PROPOSED:
                raise VolunteerError(gettext("没有待确认的新时间。"))
            self.status = self.Status.CONFIRMED
            self.save(update_fields=["status"])
            notify(
                self.workstation.leader,
                gettext("居民接受了新的预约时间：%(when)s") % {"when": f"{self.day} {self.start:%H:%M}"},
            )

    def cancel(self, *, by):
        if by.pk != self.resident_id:
            raise VolunteerError(gettext("只有预约的居民可以取消。"))
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=self.pk)
            if locked.status not in (self.Status.REQUESTED, self.Status.PROPOSED, self.Status.CONFIRMED):
                raise VolunteerError(gettext("这条预约已经结束，不能取消。"))
            self.status = self.Status.CANCELLED
            self.save(update_fields=["status"])
            notify(self.workstation.leader, gettext("居民取消了%(day)s的预约。") % {"day": self.day})


# --- Activities, sign-ups and hours -------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    """An activity's state as people see it (``Activity.phase``)."""

    key: str
    label: str
    changes_at: datetime | None = None
    takes_signups: bool = False


def is_upcoming(now=None):
    """An activity still to come (or under way) that takes sign-ups."""
    return Q(status=Activity.Status.OPEN, ends_at__gte=now or timezone.now())


# What an activity's card shows (read with .values()).
ACTIVITY_CARD_FIELDS = (
    "id",
    "title",
    "starts_at",
    "ends_at",
    "signup_deadline",
    "place",
    "status",
    "capacity",
    "audience",
    "signup_count",
    "team__name",
    "workstation__name",
    "partner_unit__name",
    "branch__name",
)
# Build card instances with ``instances(Activity, rows, **ACTIVITY_CARD_HOSTS)``.
ACTIVITY_CARD_HOSTS = {"team": Team, "workstation": Workstation, "partner_unit": PartnerUnit, "branch": PartyBranch}
HOSTS = tuple(ACTIVITY_CARD_HOSTS)


class ActivityQuerySet(ShownQuerySet):
    def upcoming(self, now=None):
        return self.filter(is_upcoming(now)).order_by("starts_at")

    def past(self, now=None):
        return self.filter(Q(status=Activity.Status.COMPLETED) | Q(ends_at__lt=now or timezone.now())).exclude(
            status=Activity.Status.CANCELLED
        )

    def for_residents(self):
        """Events residents may sign up for (面向居民或所有人)."""
        return self.filter(audience__in=[Activity.Audience.RESIDENTS, Activity.Audience.EVERYONE])

    def for_volunteers(self):
        """Activities volunteers serve at (面向志愿者或所有人)."""
        return self.filter(audience__in=[Activity.Audience.VOLUNTEERS, Activity.Audience.EVERYONE])

    def managed_by(self, user):
        """The activities ``user`` may check people in for: staff who manage activities all, hosts their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("volunteers.change_activity"):
            return self
        return self.filter(
            Q(team__in=Team.objects.led_by(user))
            | Q(workstation__leader=user)
            | Q(partner_unit__in=PartnerUnit.objects.with_member(user))
            | Q(branch__secretary=user)
        )


class Activity(ShownModel):
    """A dated event (活动): for volunteers (志愿活动), residents or everyone; hosted by a team, a workstation,
    a partner unit, a grid's party branch (主题党日) or the community itself. People sign up (a waiting list once full, except for volunteers'
    activities), are checked in, and volunteers are credited hours."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    class Audience(models.TextChoices):
        VOLUNTEERS = "volunteers", _("志愿者")
        RESIDENTS = "residents", _("居民")
        EVERYONE = "everyone", _("所有人")
        PARTY_MEMBERS = "party", _("党员")

    audience = models.CharField(
        _("面向"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.VOLUNTEERS,
        help_text=_(
            "志愿者：只有审核通过的志愿者能报名，记服务时长；居民：登录的居民都能报名，满员后排候补；"
            "所有人：都能报名，志愿者记时长；党员：确认过身份的党员能报名（主题党日）。"
        ),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("服务队"),
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        help_text=_("主办的服务队（队长负责签到）。主办方只填一个：服务队、工作室或共建单位；都不填就是社区主办。"),
    )
    workstation = models.ForeignKey(
        Workstation,
        verbose_name=_("主办工作室"),
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        help_text=_("主办的个性化服务工作室（负责人负责签到）。"),
    )
    partner_unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("主办共建单位"),
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        help_text=_("主办的共建单位（单位成员负责签到）。"),
    )
    branch = models.ForeignKey(
        PartyBranch,
        verbose_name=_("主办党支部"),
        on_delete=models.PROTECT,
        related_name="activities",
        null=True,
        blank=True,
        help_text=_("主办的网格党支部（支部书记负责签到），主题党日由支部主办。"),
    )
    title = models.CharField(_("活动名称"), max_length=60, help_text=_("例如“楼道清理”“义诊进社区”。"))
    description = models.TextField(_("活动内容"), max_length=2000, help_text=_("做什么、需要带什么、注意事项。"))
    starts_at = models.DateTimeField(_("开始时间"), help_text=_("开始时间（北京时间）。"))
    ends_at = models.DateTimeField(_("结束时间"), help_text=_("结束时间；服务时长按开始到结束计算。"))
    place = models.CharField(_("地点"), max_length=100, help_text=_("集合地点，例如“社区广场东门”。"))
    capacity = models.PositiveSmallIntegerField(_("名额"), help_text=_("最多多少人参加。"))
    signup_deadline = models.DateTimeField(_("报名截止"), help_text=_("过了这个时间不能再报名或在网上取消。"))
    cover = models.ForeignKey(
        Image, verbose_name=_("封面"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    checkin_closed_at = models.DateTimeField(_("签到结束时间"), null=True, blank=True)
    # How many are signed up and waiting, kept by PostgreSQL itself: a trigger on volunteers_signup (migration
    # 0007) moves them in the transaction of every insert, status change and delete, whichever path made it
    # (a sign-up, a cancellation, an account erased, a bulk load), so that a list of activities reads them
    # instead of counting hundreds of thousands of sign-ups. Django never writes them (``save``).
    signup_count = models.PositiveIntegerField(_("已报名人数"), default=0, editable=False)
    waiting_count = models.PositiveIntegerField(_("候补人数"), default=0, editable=False)
    checkin_closed_by = models.ForeignKey(
        User, verbose_name=_("结束签到人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="activity_upcoming"),
            models.Index(fields=["team", "-starts_at"], name="activity_team"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="activity_starts_before_it_ends"
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("ends_at")), name="activity_deadline_before_end"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_has_places"),
            models.CheckConstraint(
                # No two hosts at once: every pair has one of them empty.
                condition=functools.reduce(
                    operator.and_,
                    (
                        Q(**{f"{a}__isnull": True}) | Q(**{f"{b}__isnull": True})
                        for a, b in itertools.combinations(("team", "workstation", "partner_unit", "branch"), 2)
                    ),
                ),
                name="activity_one_host_at_most",
                violation_error_message=_("主办方只能填一个：服务队、工作室、共建单位或党支部（都不填就是社区主办）。"),
            ),
        ]

    def __str__(self):
        return self.title

    # The kept counts belong to the trigger: a form saving an activity loaded before a sign-up must not put
    # the old count back.
    KEPT_BY_DATABASE = ("signup_count", "waiting_count")

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.KEPT_BY_DATABASE
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("volunteers:activity", kwargs={"pk": self.pk})

    @property
    def is_full(self):
        """Every place taken, by the kept count (current on a row just read or locked)."""
        return self.signup_count >= self.capacity

    @property
    def places_left(self):
        return max(self.capacity - self.signup_count, 0)

    @property
    def host(self):
        """Who runs it: the team, the workstation, the partner unit or the branch; None when the community does."""
        return self.team or self.workstation or self.partner_unit or self.branch

    @property
    def host_name(self):
        host = self.host
        return host.name if host is not None else gettext("社区")

    @property
    def has_waiting_list(self):
        """Events for residents or everyone take a waiting list once full; volunteers' activities refuse, as before."""
        return self.audience != self.Audience.VOLUNTEERS

    @property
    def credits_hours(self):
        """Volunteers are credited hours at activities for volunteers or for everyone, not at residents' events
        or party days."""
        return self.audience in (self.Audience.VOLUNTEERS, self.Audience.EVERYONE)

    def phase(self, now=None):
        """Where the activity stands now, derived from its status, times and places: one label, never two.

        Returns a ``Phase``; its ``changes_at`` is the next moment the label
        would change by time alone (the deadline, the start, the end), so that a
        kept page showing it can expire then.
        """
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return Phase("cancelled", _("已取消"))
        if self.status == self.Status.COMPLETED:
            return Phase("completed", _("已完成"))
        if now < self.signup_deadline:
            full = self.is_full
            if full and self.has_waiting_list:
                return Phase("waiting", _("已满，可排候补"), changes_at=self.signup_deadline, takes_signups=True)
            key, label = ("full", _("名额已满")) if full else ("open", _("报名中"))
            return Phase(key, label, changes_at=self.signup_deadline, takes_signups=not full)
        if now < self.starts_at:
            return Phase("closed", _("报名已截止"), changes_at=self.starts_at)
        if now < self.ends_at:
            return Phase("under_way", _("进行中"), changes_at=self.ends_at)
        return Phase("ended", _("已结束"))

    def check_in_opens_at(self):
        """Check-in opens a set time before the start (CHECK_IN_OPENS_MINUTES_BEFORE)."""
        return self.starts_at - timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES_BEFORE)

    @property
    def duration_hours(self):
        """The credit for attending: the activity's length, in hours rounded to the quarter."""
        hours = Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)
        return (hours * 4).quantize(Decimal("1")) / 4

    def may_check_in(self, user, *, leads=None):
        """The host and staff who manage activities: the team's leaders, the workstation's leader, the unit's
        members (``leads``: whether ``user`` leads the team, if known). They see who signed up, sign residents
        up by phone and check them in."""
        if not user.is_authenticated:
            return False
        if user.is_staff and user.has_perm("volunteers.change_activity"):
            return True
        if self.team_id:
            return self.team.is_led_by(user) if leads is None else leads
        if self.workstation_id:
            return self.workstation.leader_id == user.pk
        if self.partner_unit_id:
            return PartnerMembership.objects.filter(unit_id=self.partner_unit_id, user=user).exists()
        if self.branch_id:
            return self.branch.secretary_id == user.pk
        return False

    def full_phones_visible_to(self, user, *, leads=None):
        """Full phones of those who signed up: staff, and a team's leaders for their volunteers (as before);
        other hosts see names and masked phones."""
        if not user.is_authenticated:
            return False
        if user.is_staff and user.has_perm("volunteers.change_activity"):
            return True
        return bool(self.team_id) and self.audience == self.Audience.VOLUNTEERS and self.may_check_in(user, leads=leads)

    def admits(self, person, *, volunteer=None):
        """Whether the audience lets ``person`` sign up: approved volunteers (``volunteer``, their row) for
        volunteers' activities, confirmed party members for party days, anyone signed in otherwise."""
        if person is None or not person.is_authenticated:
            return False
        if self.audience == self.Audience.PARTY_MEMBERS:
            return is_party_member(person)
        if self.audience == self.Audience.VOLUNTEERS:
            return volunteer is not None and volunteer.status == Volunteer.Status.APPROVED
        return True

    def sign_up(self, *, person=None, volunteer=None, by=None, contact_name="", contact_phone="", now=None):
        """Sign someone up; the activity row is locked, so places hold under concurrent sign-ups.

        ``person`` signs themself up (one tap), or staff/the host (``by``) sign up a resident by phone: her
        account (``person``) if she has one, else ``contact_name`` and ``contact_phone``. Activities for
        volunteers take approved volunteers only and refuse once full; events for residents or everyone take
        anyone signed in and put late comers on the waiting list, in order of arrival. Returns the SignUp.
        """
        now = now or timezone.now()
        if volunteer is not None and person is None:
            person = volunteer.user
        if by is not None and by != person and not self.may_check_in(by):
            raise VolunteerError(gettext("只有主办方或社区工作人员可以替居民报名。"))
        if person is not None and volunteer is None and self.credits_hours:
            volunteer = Volunteer.objects.filter(user=person, status=Volunteer.Status.APPROVED).first()
        if self.audience == self.Audience.VOLUNTEERS and (
            volunteer is None or volunteer.status != Volunteer.Status.APPROVED
        ):
            raise VolunteerError(gettext("只有审核通过的志愿者才能报名。"))
        if self.audience == self.Audience.PARTY_MEMBERS and not self.admits(person):
            raise VolunteerError(gettext("只有确认过身份的党员才能报名主题党日。"))
        if person is None and not (contact_name and contact_phone):
            raise VolunteerError(gettext("请填写报名人的姓名和手机号。"))
        if not self.credits_hours:
            volunteer = None
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=self.pk)
            if activity.status != self.Status.OPEN:
                raise VolunteerError(gettext("这个活动已经结束或取消，不能报名了。"))
            if now > activity.signup_deadline:
                raise VolunteerError(gettext("报名已经截止了。"))
            live = activity.signups.filter(status__in=SignUp.LIVE)
            same = Q(person=person) if person is not None else Q(person__isnull=True, contact_phone=contact_phone)
            if volunteer is not None:
                same |= Q(volunteer=volunteer)
            if live.filter(same).exists():
                raise VolunteerError(
                    gettext("您已经报名了这个活动。") if by in (None, person) else gettext("这位居民已经报名了。")
                )
            full = activity.is_full
            if full and not activity.has_waiting_list:
                raise VolunteerError(gettext("名额已满，下次早点报名吧。"))
            signup = SignUp.objects.create(
                activity=activity,
                person=person,
                volunteer=volunteer,
                contact_name=contact_name if person is None else "",
                contact_phone=contact_phone if person is None else "",
                entered_by=by if by not in (None, person) else None,
                status=SignUp.Status.WAITING if full else SignUp.Status.SIGNED_UP,
                code=activity._new_check_in_code(),
            )
            if signup.entered_by is not None:
                audit.record(actor=by, action="signup.by_phone", target=signup)
            return signup

    def promote_first_waiting(self, *, now=None):
        """Move the first on the waiting list up, and tell them (called with the activity's row locked)."""
        first = (
            self.signups.filter(status=SignUp.Status.WAITING)
            .select_for_update(of=("self",))
            .select_related("person")
            .order_by("created", "id")
            .first()
        )
        if first is None:
            return None
        self.refresh_from_db(fields=["signup_count", "waiting_count"])  # the freed place moved the kept count
        if self.is_full:
            return None
        first.status, first.promoted_at = SignUp.Status.SIGNED_UP, now or timezone.now()
        first.save(update_fields=["status", "promoted_at"])
        first.activity = self
        first.tell(
            gettext("候补成功：您已报上“%(title)s”，%(when)s，请按时参加。")
            % {"title": self.title, "when": timezone.localtime(self.starts_at).strftime("%m-%d %H:%M")},
            now=now,
        )
        return first

    def _new_check_in_code(self):
        """A six-digit code no other sign-up of this activity has (called with the activity's row locked)."""
        taken = set(self.signups.exclude(code="").values_list("code", flat=True))
        while True:
            code = f"{secrets.randbelow(10**6):06d}"
            if code not in taken:
                return code

    def close_check_in(self, *, by, now=None):
        """End the check-in: the activity is complete and every attendee is credited its duration."""
        if not self.may_check_in(by):
            raise VolunteerError(gettext("只有服务队队长或社区工作人员可以结束签到。"))
        now = now or timezone.now()
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=self.pk)
            if activity.status != self.Status.OPEN:
                raise VolunteerError(gettext("这个活动的签到已经结束了。"))
            if now < activity.starts_at:
                raise VolunteerError(gettext("活动还没开始，不能结束签到。"))
            attendees = activity.signups.filter(
                status=SignUp.Status.SIGNED_UP, attended=True, volunteer__isnull=False
            ).select_related("volunteer")
            ServiceHourRecord.objects.bulk_create(
                ServiceHourRecord(
                    volunteer=signup.volunteer,
                    activity=activity,
                    hours=activity.duration_hours,
                    served_on=timezone.localtime(activity.starts_at).date(),
                    kind=ServiceHourRecord.Kind.ATTENDANCE,
                    recorded_by=by,
                )
                for signup in attendees
            )
            activity.status = self.Status.COMPLETED
            activity.checkin_closed_at, activity.checkin_closed_by = now, by
            activity.save(update_fields=["status", "checkin_closed_at", "checkin_closed_by"])
            audit.record(actor=by, action="activity.close_check_in", target=activity)
            self.status, self.checkin_closed_at, self.checkin_closed_by = activity.status, now, by
            for signup in attendees:
                notify(
                    signup.volunteer.user,
                    gettext("“%(title)s”已记录您 %(hours)s 小时志愿服务时长，谢谢！")
                    % {"title": activity.title, "hours": activity.duration_hours},
                    url=reverse("volunteers:my_record"),
                )

    def adjust_hours(self, *, by, volunteer, hours, reason):
        """Correct one attendee's hours with a reason: recorded as its own adjustment, history untouched."""
        if not self.may_check_in(by):
            raise VolunteerError(gettext("只有服务队队长或社区工作人员可以调整时长。"))
        if self.status != self.Status.COMPLETED:
            raise VolunteerError(gettext("结束签到后才能调整时长。"))
        if not reason.strip():
            raise VolunteerError(gettext("请写明调整的原因。"))
        current = self.hour_records.filter(volunteer=volunteer).aggregate(h=Sum("hours", default=Decimal("0")))["h"]
        if current == 0 and not self.signups.filter(volunteer=volunteer, attended=True).exists():
            raise VolunteerError(gettext("这位志愿者没有参加这个活动。"))
        delta = Decimal(hours) - current
        if delta == 0:
            raise VolunteerError(gettext("时长没有变化。"))
        record = ServiceHourRecord.objects.create(
            volunteer=volunteer,
            activity=self,
            hours=delta,
            served_on=timezone.localtime(self.starts_at).date(),
            kind=ServiceHourRecord.Kind.ADJUSTMENT,
            reason=reason,
            recorded_by=by,
        )
        audit.record(
            actor=by, action="hours.adjust", target=self, changes={"hours": (str(current), str(hours))}, note=reason
        )
        return record


class SignUpQuerySet(ShownQuerySet):
    def live(self):
        return self.filter(status__in=SignUp.LIVE)

    def needing_a_call(self):
        """Phone sign-ups without an account that staff must phone (a reminder, a place that freed), oldest first."""
        return (
            self.filter(person__isnull=True, call_requested_at__isnull=False, phoned_at__isnull=True)
            .exclude(status=SignUp.Status.CANCELLED)
            .select_related("activity")
            .order_by("call_requested_at", "id")
        )


class SignUp(ShownModel):
    """Someone signed up for an activity (or waiting for a place); checked in on the day with a personal code.

    ``person`` is the account of whoever goes; staff may sign up a resident without one by phone
    (``contact_name`` and ``contact_phone``). ``volunteer`` is set when a volunteer signs up for an activity that
    credits hours. Those waiting are moved up in order of arrival (``created``) when a place frees.
    """

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("已报名")
        WAITING = "waiting", _("候补")
        CANCELLED = "cancelled", _("已取消")

    LIVE = (Status.SIGNED_UP, Status.WAITING)

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(
        User,
        verbose_name=_("报名人账号"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signups",
        help_text=_("电话报名的居民没有账号时为空，姓名和手机号见下。"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("志愿者"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signups",
        help_text=_("志愿者报名记服务时长的活动时才有。"),
    )
    contact_name = models.CharField(_("姓名（电话报名）"), max_length=20, blank=True)
    contact_phone = models.CharField(_("手机号（电话报名）"), max_length=11, blank=True)
    entered_by = models.ForeignKey(
        User, verbose_name=_("代报名人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SIGNED_UP)
    code = models.CharField(_("签到码"), max_length=6, blank=True, help_text=_("报名人的签到码，签到时出示。"))
    attended = models.BooleanField(_("已签到"), default=False)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        User, verbose_name=_("签到人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("报名时间"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    # What staff should phone someone without an account about (a reminder, a place that freed); see call_list.
    call_about = models.CharField(_("待电话告知"), max_length=200, blank=True)
    call_requested_at = models.DateTimeField(_("待电话通知时间"), null=True, blank=True)
    phoned_at = models.DateTimeField(_("电话通知时间"), null=True, blank=True)
    phoned_by = models.ForeignKey(
        User, verbose_name=_("电话通知人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=200, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=Q(status__in=["signed_up", "waiting"]),
                name="signup_once_per_activity",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=["signed_up", "waiting"]),
                name="signup_person_once_per_activity",
            ),
            models.UniqueConstraint(fields=["activity", "code"], condition=~Q(code=""), name="signup_code_unique"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(volunteer__isnull=False) | ~Q(contact_name=""),
                name="signup_names_someone",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="signup_rating_1_to_5"
            ),
        ]
        # Attendance per activity, counted from the index alone (the dashboard's top activities).
        indexes = [
            models.Index(fields=["activity"], condition=Q(attended=True), name="signup_attended"),
            models.Index(fields=["activity", "created"], condition=Q(status="waiting"), name="signup_waiting"),
        ]

    def __str__(self):
        return f"{self.activity} · {self.name}"

    def save(self, *args, **kwargs):
        # A volunteer's sign-up made the old way (tests, the admin) still names the account.
        if self.person_id is None and self.volunteer_id is not None:
            self.person_id = Volunteer.objects.values_list("user_id", flat=True).get(pk=self.volunteer_id)
        super().save(*args, **kwargs)

    @property
    def name(self):
        """The name the host sees: the volunteer's real name, the account's name, or the name given by phone."""
        if self.volunteer_id:
            return self.volunteer.real_name
        if self.person_id:
            return self.person.display_name
        return self.contact_name

    @property
    def account(self):
        """The account that signed up (the volunteer's or the resident's), or None for a sign-up taken by phone."""
        if self.volunteer_id:
            return self.volunteer.user
        return self.person if self.person_id else None

    @property
    def phone(self):
        """The number to reach them: given by phone, the volunteer's, or the login when it is a phone number."""
        if self.contact_phone:
            return self.contact_phone
        if self.volunteer_id and self.volunteer.phone:
            return self.volunteer.phone
        if self.person_id and self.person.login_is_phone:
            return self.person.username
        return ""

    @property
    def masked_phone(self):
        return mask_phone(self.phone) if self.phone else ""

    @property
    def contact_person(self):
        """Whose phone this is (see ContactView): the account, or nobody for a phone sign-up (the record then)."""
        return self.person

    def waiting_position(self):
        """1 for the first in line."""
        return SignUp.waiting_up_to(self.activity_id, self.created, self.pk).count()

    @staticmethod
    def waiting_up_to(activity_id, created, pk):
        """The activity's waiting sign-ups up to the one given (its place in line is how many): values, or
        OuterRefs to number each sign-up of a list in its own query."""
        return SignUp.objects.filter(activity_id=activity_id, status=SignUp.Status.WAITING).filter(
            Q(created__lt=created) | Q(created=created, pk__lte=pk)
        )

    def belongs_to(self, user):
        return user.is_authenticated and self.person_id == user.pk

    def tell(self, title, *, now=None):
        """Tell whoever goes: a notification for an account, phoned at once when they have no email (the call
        list, without its usual delay); for a phone sign-up without an account, straight onto the call list."""
        if self.person_id:
            notify(self.person, title, url=self.activity.get_absolute_url(), call_now=True)
        else:
            self.call_about, self.call_requested_at, self.phoned_at, self.phoned_by = (
                title,
                now or timezone.now(),
                None,
                None,
            )
            self.save(update_fields=["call_about", "call_requested_at", "phoned_at", "phoned_by"])

    def mark_phoned(self, *, by, now=None):
        self.phoned_at, self.phoned_by = now or timezone.now(), by
        self.save(update_fields=["phoned_at", "phoned_by"])

    def cancel(self, *, by, now=None):
        """Withdraw (the person before the deadline; the host or staff until the check-in ends).

        A freed place goes to the first on the waiting list, who is told at once.
        """
        now = now or timezone.now()
        own = self.belongs_to(by) or (self.volunteer_id and self.volunteer.user_id == by.pk)
        if not own and not self.activity.may_check_in(by):
            raise VolunteerError(gettext("只能取消自己的报名。"))
        with transaction.atomic():
            activity = self._lock_activity_and_self()
            if self.status not in self.LIVE:
                raise VolunteerError(gettext("这个报名已经取消了。"))
            if activity.status != Activity.Status.OPEN:
                raise VolunteerError(gettext("这个活动已经结束，不能取消报名了。"))
            if own and now > activity.signup_deadline:
                raise VolunteerError(gettext("报名已经截止，不能在网上取消了；如有变化请联系主办方。"))
            freed = self.status == self.Status.SIGNED_UP
            self.status = self.Status.CANCELLED
            self.save(update_fields=["status"])
            if not own:
                audit.record(actor=by, action="signup.cancel", target=self)
            if freed:
                activity.promote_first_waiting(now=now)

    def check_in(self, *, by, now=None):
        """A leader or staff marks the volunteer present on the day.

        The activity's row is locked first, as closing the check-in locks it: a
        check-in either lands before the closing (and is credited hours) or is
        refused after it, never in between.
        """
        if not self.activity.may_check_in(by):
            raise VolunteerError(gettext("只有服务队队长或社区工作人员可以签到。"))
        with transaction.atomic():
            activity = self._lock_activity_and_self()
            now = now or timezone.now()
            if activity.status != Activity.Status.OPEN:
                raise VolunteerError(gettext("这个活动的签到已经结束了。"))
            if now < activity.check_in_opens_at():
                raise VolunteerError(
                    gettext("签到从 %(time)s 开始。")
                    % {"time": timezone.localtime(activity.check_in_opens_at()).strftime("%m-%d %H:%M")}
                )
            if self.status == self.Status.WAITING:
                raise VolunteerError(gettext("这位还在候补名单上，没有名额。"))
            if self.status != self.Status.SIGNED_UP:
                raise VolunteerError(gettext("这位志愿者已经取消了报名。"))
            self.attended, self.checked_in_at, self.checked_in_by = True, now, by
            self.save(update_fields=["attended", "checked_in_at", "checked_in_by"])

    @classmethod
    def check_in_by_code(cls, *, activity, code, by, now=None):
        """Check in whoever holds ``code`` for ``activity`` (the code shown on their phone or printed)."""
        code = (code or "").strip()
        signup = (
            cls.objects.select_related("activity", "person", "volunteer").filter(activity=activity, code=code).first()
            if code
            else None
        )
        if signup is None:
            raise VolunteerError(gettext("没有找到这个签到码，请核对后再输入。"))
        signup.check_in(by=by, now=now)
        return signup

    def rate(self, *, by, stars, comment="", now=None):
        """An attendee rates the activity once, after it ended: 1–5 stars and a short comment."""
        now = now or timezone.now()
        if not self.belongs_to(by):
            raise VolunteerError(gettext("只能评价自己参加的活动。"))
        if not self.attended:
            raise VolunteerError(gettext("签到参加了活动才能评价。"))
        if now < self.activity.ends_at and self.activity.status != Activity.Status.COMPLETED:
            raise VolunteerError(gettext("活动结束后才能评价。"))
        if not 1 <= int(stars) <= 5:
            raise VolunteerError(gettext("请选择1到5颗星。"))
        changed = SignUp.objects.filter(pk=self.pk, rating__isnull=True).update(
            rating=stars, rating_comment=comment.strip()[:200], rated_at=now
        )
        if not changed:
            raise VolunteerError(gettext("您已经评价过了，谢谢！"))
        self.rating, self.rating_comment, self.rated_at = stars, comment.strip()[:200], now

    def undo_check_in(self, *, by):
        """A leader or staff takes back a check-in made by mistake, while the check-in is open."""
        if not self.activity.may_check_in(by):
            raise VolunteerError(gettext("现在不能修改签到。"))
        with transaction.atomic():
            activity = self._lock_activity_and_self()
            if activity.status != Activity.Status.OPEN:
                raise VolunteerError(gettext("现在不能修改签到。"))
            self.attended, self.checked_in_at, self.checked_in_by = False, None, None
            self.save(update_fields=["attended", "checked_in_at", "checked_in_by"])

    def _lock_activity_and_self(self):
        """Lock the activity's row, then this sign-up's (the order every sign-up change keeps); reload both."""
        self.activity = Activity.objects.select_for_update().get(pk=self.activity_id)
        self.refresh_from_db(from_queryset=SignUp.objects.select_for_update(), fields=["status", "attended"])
        return self.activity


class ServiceHourRecord(ShownModel):
    """Hours credited to a volunteer: for attending, or an adjustment with its reason. Never edited."""

    page_sections = (SECTION,)

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("参加活动")
        ADJUSTMENT = "adjustment", _("调整")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="hour_records"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.PROTECT, null=True, blank=True, related_name="hour_records"
    )
    hours = models.DecimalField(_("时长（小时）"), max_digits=6, decimal_places=2)
    served_on = models.DateField(_("服务日期"), db_index=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务时长记录")
        verbose_name_plural = _("服务时长记录")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["volunteer", "served_on"], name="hours_volunteer")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason=""), name="hours_adjustment_has_a_reason"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} {self.hours}h {self.served_on}"


def honour_roll(year=None, limit=20):
    """This year's volunteers and teams by service hours (database aggregation only)."""
    year = year or timezone.localdate().year
    start, end = _year_bounds(year)
    volunteers = (
        Volunteer.objects.approved()
        .filter(hour_records__served_on__gte=start, hour_records__served_on__lt=end)
        .annotate(year_hours=Sum("hour_records__hours"))
        .filter(year_hours__gt=0)
        .select_related("user")
        .order_by("-year_hours", "pk")[:limit]
    )
    teams = (
        Team.objects.filter(activities__hour_records__served_on__gte=start, activities__hour_records__served_on__lt=end)
        .annotate(year_hours=Sum("activities__hour_records__hours"))
        .filter(year_hours__gt=0)
        .order_by("-year_hours", "pk")[:limit]
    )
    return {"year": year, "volunteers": list(volunteers), "teams": list(teams)}


def team_activities(team, now, limit=10):
    """A team's next and latest activities with sign-up counts, soonest first; ``upcoming`` tells them apart."""
    activities = Activity.objects.filter(team=team)
    chosen = Q(pk__in=activities.upcoming(now).values("pk")[:limit]) | Q(
        pk__in=activities.past(now).order_by("-starts_at").values("pk")[:limit]
    )
    return (
        Activity.objects.filter(chosen)
        .annotate(upcoming=ExpressionWrapper(is_upcoming(now), output_field=models.BooleanField()))
        .order_by("starts_at")
    )


def upcoming_for_home(limit=4):
    return Activity.objects.for_volunteers().upcoming()[:limit]


def upcoming_events(limit=None):
    """Upcoming events residents may sign up for, soonest first."""
    events = Activity.objects.for_residents().upcoming()
    return events[:limit] if limit else events


REMIND_BEFORE = timedelta(days=1)


def send_reminders(now=None):
    """The day before: remind each one signed up, once (``reminded_at``); returns how many were reminded.

    Accounts get a notification, phoned at once when they have no email; phone sign-ups without an account go
    straight onto the call list. Rows are locked with SKIP LOCKED so overlapping runs never remind twice.
    """
    now = now or timezone.now()
    reminded = 0
    with transaction.atomic():
        due = (
            SignUp.objects.filter(
                status=SignUp.Status.SIGNED_UP,
                reminded_at__isnull=True,
                activity__status=Activity.Status.OPEN,
                activity__starts_at__gt=now,
                activity__starts_at__lte=now + REMIND_BEFORE,
            )
            .select_related("activity", "person")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("id")[:500]
        )
        for signup in due:
            signup.tell(
                gettext("明天的活动提醒：“%(title)s”%(when)s，地点：%(place)s。签到码 %(code)s。")
                % {
                    "title": signup.activity.title,
                    "when": timezone.localtime(signup.activity.starts_at).strftime("%m-%d %H:%M"),
                    "place": signup.activity.place,
                    "code": signup.code,
                },
                now=now,
            )
            signup.reminded_at = now
            signup.save(update_fields=["reminded_at"])
            reminded += 1
    return reminded
