"""双报到 (in-service members report to the community, choose service posts, get a yearly feedback sheet) and
the grid branches' monthly party day (主题党日).

Party membership itself and the grid branches live on the ground floor (community.models: PartyMembership,
PartyBranch), since every app shows the 党员 badge; a party day is an ``Activity`` hosted by a branch, with the
same sign-up, waiting list and check-in as every other event, and this app adds what only a party day has.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit
from community.lifecycle import NotAllowed
from community.models import Image, User, is_party_member, staff_who_may
from community.notifications import notify
from community.sections import ShownModel, ShownQuerySet
from news.models import Article, Column
from volunteers.models import Activity, PartnerUnit

SECTION = "party"

REVIEW_PERMISSION = "party.review_inservicemember"


class ReportInError(NotAllowed):
    """A 双报到 move that is not allowed (registration, review, feedback sheet); the message is for the person."""


class ServicePost(ShownModel):
    """A standing task the community offers in-service party members (岗位): 楼栋长助理, 文明劝导 …"""

    page_sections = (SECTION,)

    name = models.CharField(_("岗位名称"), max_length=30, unique=True, help_text=_("例如“楼栋长助理”“文明劝导员”。"))
    description = models.TextField(_("岗位职责"), max_length=500, help_text=_("做什么、大概多久一次。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    active = models.BooleanField(_("开放报名"), default=True, help_text=_("不再需要的岗位取消勾选即可，不要删除。"))

    class Meta:
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class InServiceMemberQuerySet(ShownQuerySet):
    def approved(self):
        return self.filter(status=InServiceMember.Status.APPROVED)

    def of_contact(self, user):
        """The approved members of the units whose contact (单位联系人) ``user`` is."""
        return self.approved().filter(unit__in=PartnerUnit.objects.with_contact(user))


class InServiceMember(ShownModel):
    """An in-service party member who reported to the community (在职党员双报到): where they work, what they can do,
    when, and the service posts they chose. Staff approve the registration."""

    page_sections = (SECTION,)

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已报到")
        DECLINED = "declined", _("未通过")

    person = models.OneToOneField(
        User, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="in_service_registration"
    )
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        related_name="in_service_members",
        help_text=_("在哪个单位工作；单位还没报到的，请先让单位报到。"),
    )
    position = models.CharField(_("职务"), max_length=30, help_text=_("在单位的职务或岗位，例如“科员”“教师”。"))
    skills = models.CharField(_("特长"), max_length=100, blank=True, help_text=_("例如“法律咨询、电脑维修”。"))
    availability = models.CharField(_("可服务时间"), max_length=60, help_text=_("例如“周六上午”“工作日晚上”。"))
    posts = models.ManyToManyField(ServicePost, verbose_name=_("认领岗位"), related_name="members", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_at = models.DateTimeField(_("报到时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审核人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = InServiceMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["unit__name", "registered_at"]
        permissions = [("review_inservicemember", _("可审核在职党员和单位报到，打印反馈表"))]

    def __str__(self):
        return f"{self.unit} · {self.person.public_name}"

    @classmethod
    def register(cls, *, person, unit, posts=(), **fields):
        """A confirmed party member reports to the community (在职党员报到); a declined one may report again.

        Staff who review registrations are told; the registration waits for them.
        """
        if not is_party_member(person):
            raise ReportInError(gettext("请先登记党员身份，社区确认后再报到。"))
        if unit.registration != PartnerUnit.Registration.APPROVED:
            raise ReportInError(gettext("这个单位还没有通过报到审核。"))
        with transaction.atomic():
            # The person's row first: two registrations sent at once are settled one after the other.
            User.objects.select_for_update().filter(pk=person.pk).first()
            member = cls.objects.select_for_update().filter(person=person).first()
            if member is not None and member.status != cls.Status.DECLINED:
                raise ReportInError(gettext("您已经报到过了，可以在下面修改认领的岗位。"))
            member = member or cls(person=person)
            for name, value in fields.items():
                setattr(member, name, value)
            member.unit, member.status = unit, cls.Status.PENDING
            member.decided_at = member.decided_by = None
            member.decision_note = ""
            member.save()
            member.posts.set(posts)
            audit.record(actor=person, action="inservicemember.register", target=member)
            for staff in staff_who_may(REVIEW_PERMISSION):
                notify(
                    staff,
                    gettext("在职党员%(name)s到社区报到，请审核") % {"name": person.display_name},
                    url=reverse("party:in_service_review"),
                )
        return member

    def choose_posts(self, *, by, posts):
        """The member changes the service posts (岗位) he takes on; only active posts may be chosen."""
        if by.pk != self.person_id:
            raise ReportInError(gettext("只有本人可以修改认领的岗位。"))
        if any(not post.active for post in posts):
            raise ReportInError(gettext("这个岗位已不再开放报名。"))
        with transaction.atomic():
            self.posts.set(posts)
            audit.record(actor=by, action="inservicemember.posts", target=self, note="、".join(p.name for p in posts))

    def approve(self, *, by):
        """Staff approve the registration (已报到); the member is told."""
        self._decide(by=by, status=self.Status.APPROVED, note="")
        notify(self.person, gettext("您的在职党员报到已通过，欢迎到社区服务！"), url=reverse("party:in_service"))

    def decline(self, *, by, reason):
        if not reason.strip():
            raise ReportInError(gettext("请写明未通过的原因，报到人会看到。"))
        self._decide(by=by, status=self.Status.DECLINED, note=reason)
        notify(
            self.person,
            gettext("您的在职党员报到没有通过"),
            body=gettext("原因：%(reason)s") % {"reason": reason},
            url=reverse("party:in_service"),
        )

    def _decide(self, *, by, status, note):
        with transaction.atomic():
            locked = InServiceMember.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.PENDING:
                raise ReportInError(gettext("这份报到已经审核过了。"))
            self.status, self.decision_note = status, note
            self.decided_at, self.decided_by = timezone.now(), by
            self.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
            audit.record(actor=by, action=f"inservicemember.{status}", target=self, note=note)


class FeedbackSheet(ShownModel):
    """The community's yearly evaluation of an in-service member for the home unit (双报到反馈表).

    The member sees it (and may answer) before it is printed for the unit.
    """

    page_sections = (SECTION,)

    member = models.ForeignKey(
        InServiceMember, verbose_name=_("在职党员"), on_delete=models.CASCADE, related_name="feedback_sheets"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    evaluation = models.TextField(_("社区评价"), max_length=1000, help_text=_("这一年在社区的表现，写给单位看。"))
    written_by = models.ForeignKey(
        User, verbose_name=_("填写人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("填写时间"), auto_now=True)
    seen_at = models.DateTimeField(_("本人查看时间"), null=True, blank=True)
    member_remark = models.CharField(_("本人意见"), max_length=300, blank=True)
    printed_at = models.DateTimeField(_("打印时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("双报到反馈表")
        verbose_name_plural = _("双报到反馈表")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="feedback_sheet_once_a_year")]

    def __str__(self):
        return f"{self.year} · {self.member}"

    @property
    def ready_to_print(self):
        """The member has seen it (and may have answered): only then does it go to the home unit."""
        return self.seen_at is not None

    @classmethod
    def write(cls, *, member, year, evaluation, by):
        """Staff write (or rewrite) the year's evaluation; the member is told and must see it again before it is
        printed. A sheet already printed is not changed."""
        if not evaluation.strip():
            raise ReportInError(gettext("请填写社区评价。"))
        with transaction.atomic():
            # The member's row orders two staff writing the same sheet at once; the later one rewrites it.
            InServiceMember.objects.select_for_update().filter(pk=member.pk).first()
            sheet = cls.objects.filter(member=member, year=year).first() or cls(member=member, year=year)
            if sheet.printed_at is not None:
                raise ReportInError(gettext("这份反馈表已经打印交给单位，不能再修改。"))
            sheet.evaluation, sheet.written_by = evaluation, by
            sheet.seen_at, sheet.member_remark = None, ""
            sheet.save()
            audit.record(actor=by, action="feedbacksheet.write", target=sheet)
            notify(
                member.person,
                gettext("社区填写了您%(year)d年的双报到反馈表，请查看") % {"year": year},
                url=reverse("party:in_service") + "#feedback",
            )
        return sheet

    def acknowledge(self, *, by, remark=""):
        """The member has read the evaluation (and may add a remark); now staff may print it for the unit."""
        if by.pk != self.member.person_id:
            raise ReportInError(gettext("只有本人可以确认自己的反馈表。"))
        with transaction.atomic():
            locked = FeedbackSheet.objects.select_for_update().get(pk=self.pk)
            if locked.printed_at is not None:
                raise ReportInError(gettext("这份反馈表已经打印交给单位了。"))
            self.seen_at, self.member_remark = timezone.now(), remark
            self.save(update_fields=["seen_at", "member_remark"])

    @classmethod
    def mark_printed(cls, *, unit, year, by):
        """Staff print the unit's sheet for ``year``: the sheets its members have seen are marked printed."""
        with transaction.atomic():
            sheets = list(
                cls.objects.select_for_update().filter(
                    member__unit=unit, member__status=InServiceMember.Status.APPROVED, year=year, seen_at__isnull=False
                )
            )
            if not sheets:
                raise ReportInError(gettext("还没有本人确认过的反馈表，暂时不能打印。"))
            now = timezone.now()
            cls.objects.filter(pk__in=[sheet.pk for sheet in sheets], printed_at__isnull=True).update(printed_at=now)
            audit.record(actor=by, action="feedbacksheet.print", target=unit, note=str(year))
        return len(sheets)


# --- Party days (主题党日): planned, held, missed ------------------------------------------------------------


class PartyDayError(NotAllowed):
    """A party-day step the rules do not allow (who may plan or summarise, a summary before the day)."""


# Column of the news draft a party day's summary becomes (news/demo.py creates it).
PARTY_NEWS_COLUMN = "dangqun-dongtai"


def first_saturday(year, month):
    """The first Saturday of a month: the day a branch's party day is held by custom."""
    day = date(year, month, 1)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def next_month_start(now):
    """The first moment of the month after ``now``'s (Asia/Shanghai): when a month without a party day is missed."""
    today = timezone.localtime(now).date()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return timezone.make_aware(datetime(year, month, 1))


def may_manage_party_days(user, branch):
    """The branch's secretary, and staff who manage activities, plan and summarise its party days."""
    if not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm("volunteers.change_activity"):
        return True
    return branch.secretary_id is not None and branch.secretary_id == user.pk


class PartyDayQuerySet(ShownQuerySet):
    def with_attendance(self):
        """Counted with how many were checked in (``attended``), for ``PartyDay.state``."""
        return self.annotate(
            attended=Count("activity__signups", filter=Q(activity__signups__attended=True), distinct=True)
        )

    def of_branch_in(self, branch, year):
        """A branch's party days of a calendar year (Asia/Shanghai), with attendance, in date order."""
        start = timezone.make_aware(datetime(year, 1, 1))
        end = timezone.make_aware(datetime(year + 1, 1, 1))
        return (
            self.filter(activity__branch=branch, activity__starts_at__gte=start, activity__starts_at__lt=end)
            .with_attendance()
            .order_by("activity__starts_at")
        )


@dataclass(frozen=True)
class PartyMonth:
    """One month of a branch's year at a glance: its state and the party day that decides it (if any)."""

    month: int
    state: str  # held / planned / missed / open (not planned yet, not past)
    party_day: object = None

    LABELS = {"held": _("已举行"), "planned": _("已安排"), "missed": _("未举行"), "open": _("待安排")}

    @property
    def label(self):
        return self.LABELS[self.state]


def year_at_a_glance(party_days, year, now=None):
    """The twelve months of ``year``: held, planned, missed, or open, from the branch's party days of that year
    (``PartyDay.objects.of_branch_in``). A month is held when one of its party days was held; else planned when one
    is still to come; else missed once the month is over; else open."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    by_month = {}
    for party_day in party_days:
        by_month.setdefault(timezone.localtime(party_day.activity.starts_at).month, []).append(party_day)
    months = []
    for month in range(1, 13):
        days = by_month.get(month, [])
        states = [(party_day.state(now), party_day) for party_day in days]
        for wanted in ("held", "planned"):
            found = [party_day for state, party_day in states if state == wanted]
            if found:
                months.append(PartyMonth(month, wanted, found[0]))
                break
        else:
            over = date(year + (month == 12), month % 12 + 1, 1) <= today
            months.append(PartyMonth(month, "missed" if over else "open", days[0] if days else None))
    return months


class PartyDay(ShownModel):
    """What a party day (主题党日) adds to its event: the theme, the month's priority, and afterwards the summary,
    photos and the news draft made from it."""

    page_sections = (SECTION,)

    class Priority(models.TextChoices):
        CIVILISED_CITY = "civilised", _("创文")
        SAFE_COMMUNITY = "safety", _("平安创建")
        LIVING_ENVIRONMENT = "environment", _("人居环境整治")
        STUDY = "study", _("理论学习")
        SERVICE = "service", _("为民服务")

    activity = models.OneToOneField(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="party_day"
    )
    theme = models.CharField(_("主题"), max_length=60, help_text=_("例如“垃圾分类我先行”。"))
    priority = models.CharField(
        _("结合的重点工作"), max_length=12, choices=Priority.choices, help_text=_("这个月围绕哪项重点工作。")
    )
    summary = models.TextField(_("活动总结"), max_length=3000, blank=True)
    photos = models.ManyToManyField(Image, verbose_name=_("照片"), blank=True, related_name="+")
    summary_by = models.ForeignKey(
        User, verbose_name=_("总结人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary_at = models.DateTimeField(_("总结时间"), null=True, blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("新闻稿"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("由总结生成的党群动态稿件。"),
    )

    objects = PartyDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("主题党日")
        verbose_name_plural = _("主题党日")
        ordering = ["-activity__starts_at"]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return reverse("volunteers:activity", kwargs={"pk": self.activity_id})

    def state(self, now=None):
        """held (its summary recorded, or it ended with someone checked in), planned (not cancelled and not over yet),
        or not_held (over without anyone present, or cancelled). Needs ``attended`` (``with_attendance``) unless the
        summary decides."""
        now = now or timezone.now()
        activity = self.activity
        if activity.status == Activity.Status.CANCELLED:
            return "not_held"
        if self.summary_at is not None:
            return "held"
        if activity.ends_at < now or activity.status == Activity.Status.COMPLETED:
            attended = getattr(self, "attended", None)
            if attended is None:
                attended = activity.signups.filter(attended=True).count()
            return "held" if attended else "not_held"
        return "planned"

    @classmethod
    def plan(cls, *, branch, by, day, start, end, theme, priority, place, capacity, signup_deadline, description=""):
        """Plan a branch's party day: one event for its party members, hosted by the branch, and its PartyDay, in one
        transaction. ``day`` is a date, ``start``/``end`` times, ``signup_deadline`` an aware datetime."""
        if not may_manage_party_days(by, branch):
            raise PartyDayError(gettext("只有支部书记或社区工作人员可以安排主题党日。"))
        starts_at = timezone.make_aware(datetime.combine(day, start))
        ends_at = timezone.make_aware(datetime.combine(day, end))
        if ends_at <= starts_at:
            raise PartyDayError(gettext("结束时间要晚于开始时间。"))
        if signup_deadline > ends_at:
            raise PartyDayError(gettext("报名截止时间不能晚于活动结束。"))
        if starts_at <= timezone.now():
            raise PartyDayError(gettext("只能安排以后的主题党日。"))
        title = gettext("%(branch)s%(month)s月主题党日：%(theme)s") % {
            "branch": branch.name,
            "month": day.month,
            "theme": theme,
        }
        with transaction.atomic():
            activity = Activity.objects.create(
                branch=branch,
                audience=Activity.Audience.PARTY_MEMBERS,
                title=title[:60],
                description=description or gettext("主题党日：%(theme)s。请支部党员准时参加。") % {"theme": theme},
                starts_at=starts_at,
                ends_at=ends_at,
                place=place,
                capacity=capacity,
                signup_deadline=signup_deadline,
            )
            party_day = cls.objects.create(activity=activity, theme=theme, priority=priority)
            audit.record(actor=by, action="party_day.plan", target=party_day)
        return party_day

    def record_summary(self, *, by, summary, photos=(), now=None):
        """Record (or rewrite) what happened, with photos added to those already there; only once the day began."""
        now = now or timezone.now()
        if not may_manage_party_days(by, self.activity.branch):
            raise PartyDayError(gettext("只有支部书记或社区工作人员可以记录主题党日总结。"))
        if self.activity.status == Activity.Status.CANCELLED:
            raise PartyDayError(gettext("这次主题党日已取消，不能记录总结。"))
        if now < self.activity.starts_at:
            raise PartyDayError(gettext("主题党日还没开始，结束后再写总结。"))
        with transaction.atomic():
            self.summary, self.summary_by, self.summary_at = summary, by, now
            self.save(update_fields=["summary", "summary_by", "summary_at"])
            if photos:
                self.photos.add(*photos)
            audit.record(actor=by, action="party_day.summary", target=self)

    def draft_article(self, *, by):
        """The summary becomes a news draft in 党群动态 (title, summary, body with the photos, the branch as source),
        for staff to edit and publish. One draft per party day: asking again returns the same article."""
        activity = self.activity
        if not may_manage_party_days(by, activity.branch):
            raise PartyDayError(gettext("只有支部书记或社区工作人员可以生成新闻稿。"))
        if not self.summary:
            raise PartyDayError(gettext("请先记录活动总结，再生成新闻稿。"))
        with transaction.atomic():
            party_day = PartyDay.objects.select_for_update().get(pk=self.pk)
            if party_day.article_id is not None:
                raise PartyDayError(gettext("这次主题党日已经生成过新闻稿了。"))
            column = Column.objects.filter(slug=PARTY_NEWS_COLUMN).first()
            if column is None:
                raise PartyDayError(gettext("还没有“党群动态”栏目，请先请工作人员在后台建立。"))
            day = timezone.localtime(activity.starts_at)
            paragraphs = [part.strip() for part in self.summary.splitlines() if part.strip()]
            body = "".join(f"<p>{escape(part)}</p>" for part in paragraphs)
            for photo in self.photos.all():
                body += f'<figure><img src="{photo.url(1200)}" alt="{escape(photo.alt)}"></figure>'
            article = Article.objects.create(
                title=gettext("%(branch)s开展“%(theme)s”主题党日活动")
                % {"branch": activity.branch.name, "theme": self.theme},
                column=column,
                summary=(
                    gettext("%(date)s，%(branch)s在%(place)s开展主题党日活动。")
                    % {"date": f"{day.month}月{day.day}日", "branch": activity.branch.name, "place": activity.place}
                )[:300],
                body=body,
                source=activity.branch.name,
                author=by.public_name,
                status=Article.Status.DRAFT,
                cover=self.photos.first(),
            )
            party_day.article = self.article = article
            party_day.save(update_fields=["article"])
            audit.record(actor=by, action="party_day.draft_article", target=party_day)
        return article
