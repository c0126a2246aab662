"""Volunteer teams, workstations, volunteers, partner units, activities and service hours.

Rules live on the models: each change of state is one method that checks the
current state, locks what it must, writes with ``update_fields`` and raises
``VolunteerError`` (a message for the person) when the move is not allowed.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, ExpressionWrapper, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit
from community.lifecycle import NotAllowed
from community.models import Image, User
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
        records = self.hour_records.all()
        start, end = _year_bounds(year or timezone.localdate().year)
        return records.aggregate(
            total=Sum("hours", default=Decimal("0")),
            year=Sum("hours", filter=Q(served_on__gte=start, served_on__lt=end), default=Decimal("0")),
        )


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
    def with_member(self, user):
        """The partner units ``user`` acts for."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


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


# What an activity's card shows (read with .values() on a queryset counted with with_signup_count()).
ACTIVITY_CARD_FIELDS = (
    "id",
    "title",
    "starts_at",
    "ends_at",
    "signup_deadline",
    "place",
    "status",
    "capacity",
    "signup_count",
)


class ActivityQuerySet(ShownQuerySet):
    def upcoming(self, now=None):
        return self.filter(is_upcoming(now)).order_by("starts_at")

    def past(self, now=None):
        return self.filter(Q(status=Activity.Status.COMPLETED) | Q(ends_at__lt=now or timezone.now())).exclude(
            status=Activity.Status.CANCELLED
        )

    def with_signup_count(self):
        return self.annotate(
            signup_count=Count("signups", filter=Q(signups__status=SignUp.Status.SIGNED_UP), distinct=True)
        )


class Activity(ShownModel):
    """A dated event a team runs (志愿活动): volunteers sign up, are checked in, and are credited hours."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    team = models.ForeignKey(
        Team,
        verbose_name=_("服务队"),
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=_("组织这个活动的服务队；队长负责签到。"),
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
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteers:activity", kwargs={"pk": self.pk})

    def phase(self, now=None):
        """Where the activity stands now, derived from its status, times and places: one label, never two.

        Returns a ``Phase``; its ``changes_at`` is the next moment the label
        would change by time alone (the deadline, the start, the end), so that a
        kept page showing it can expire then. Needs ``signup_count`` (``with_signup_count``).
        """
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return Phase("cancelled", _("已取消"))
        if self.status == self.Status.COMPLETED:
            return Phase("completed", _("已完成"))
        if now < self.signup_deadline:
            full = getattr(self, "signup_count", 0) >= self.capacity
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
        """The team's leaders and staff who manage activities (``leads``: whether ``user`` leads the team, if known)."""
        if not user.is_authenticated:
            return False
        if user.is_staff and user.has_perm("volunteers.change_activity"):
            return True
        return self.team.is_led_by(user) if leads is None else leads

    def sign_up(self, *, volunteer, now=None):
        """Sign an approved volunteer up. The activity row is locked, so capacity holds under concurrent sign-ups."""
        now = now or timezone.now()
        if volunteer is None or volunteer.status != Volunteer.Status.APPROVED:
            raise VolunteerError(gettext("只有审核通过的志愿者才能报名。"))
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=self.pk)
            if activity.status != self.Status.OPEN:
                raise VolunteerError(gettext("这个活动已经结束或取消，不能报名了。"))
            if now > activity.signup_deadline:
                raise VolunteerError(gettext("报名已经截止了。"))
            if activity.signups.filter(volunteer=volunteer, status=SignUp.Status.SIGNED_UP).exists():
                raise VolunteerError(gettext("您已经报名了这个活动。"))
            taken = activity.signups.filter(status=SignUp.Status.SIGNED_UP).count()
            if taken >= activity.capacity:
                raise VolunteerError(gettext("名额已满，下次早点报名吧。"))
            return SignUp.objects.create(activity=activity, volunteer=volunteer)

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
            attendees = activity.signups.filter(status=SignUp.Status.SIGNED_UP, attended=True).select_related(
                "volunteer"
            )
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


class SignUp(ShownModel):
    """A volunteer signed up for an activity; checked in on the day."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("已报名")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SIGNED_UP)
    attended = models.BooleanField(_("已签到"), default=False)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        User, verbose_name=_("签到人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], condition=Q(status="signed_up"), name="signup_once_per_activity"
            )
        ]
        # Attendance per activity, counted from the index alone (the dashboard's top activities).
        indexes = [models.Index(fields=["activity"], condition=Q(attended=True), name="signup_attended")]

    def __str__(self):
        return f"{self.activity} · {self.volunteer}"

    def cancel(self, *, by, now=None):
        """The volunteer withdraws before the deadline; the place is free again."""
        now = now or timezone.now()
        if by.pk != self.volunteer.user_id:
            raise VolunteerError(gettext("只能取消自己的报名。"))
        with transaction.atomic():
            activity = self._lock_activity_and_self()
            if self.status != self.Status.SIGNED_UP:
                raise VolunteerError(gettext("这个报名已经取消了。"))
            if now > activity.signup_deadline:
                raise VolunteerError(gettext("报名已经截止，不能在网上取消了；如有变化请联系队长。"))
            self.status = self.Status.CANCELLED
            self.save(update_fields=["status"])

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
            if self.status != self.Status.SIGNED_UP:
                raise VolunteerError(gettext("这位志愿者已经取消了报名。"))
            self.attended, self.checked_in_at, self.checked_in_by = True, now, by
            self.save(update_fields=["attended", "checked_in_at", "checked_in_by"])

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
        .with_signup_count()
        .annotate(upcoming=ExpressionWrapper(is_upcoming(now), output_field=models.BooleanField()))
        .order_by("starts_at")
    )


def upcoming_for_home(limit=4):
    return Activity.objects.upcoming().with_signup_count()[:limit]
