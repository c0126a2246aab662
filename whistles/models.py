"""The red whistle (红哨子 · 吹哨报到): problem reports, whistles to partner units, report-ins and ratings.

Two lifecycles live here, each in one place:

    ProblemReport: submitted → merged | closed (with a reply) | handed (to volunteers) | whistled → resolved
    Whistle:       called → in_progress (a unit reported in) → closed (all done, staff summary)
                   closed → reopened (an unsatisfied rating) → closed again, or more units called

Every change goes through a method below, is recorded as a transition (who,
when, from, to, note) and leaves the notifications that follow from it.
"""

import re
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit
from community.lifecycle import Lifecycle, NotAllowed, Transition, hide_with_reason
from community.models import Building, Image, User, staff_who_may
from community.notifications import notify
from community.sections import ShownModel, ShownQuerySet
from community.together import dict_rows
from volunteers.models import Activity, PartnerUnit, Team

SECTION = "whistles"
# Reports are on no public page; their section moves the counts that wait on staff's 我的.
REPORTS_SECTION = "reports"


def place_of(building_name, spot):
    """Where something is, for people: the building and the spot, without saying the building twice.

    "团结巷3栋" and "3栋1单元门口" make "团结巷3栋1单元门口", not "团结巷3栋3栋1单元门口".
    """
    spot = spot.strip()
    if spot.startswith(building_name):
        spot = spot[len(building_name) :]
    number = re.search(r"\d+栋$", building_name)
    if number and spot.startswith(number.group()):
        spot = spot[len(number.group()) :]
    return f"{building_name}{spot}"


def triage_staff():
    """The staff who handle reports and whistles (and superusers): told about overdue units and bad ratings."""
    return staff_who_may("whistles.triage_report")


class WhistleError(NotAllowed):
    """A move of a report or a whistle that is not allowed; the message is for the person who tried it."""


class Category(models.TextChoices):
    SANITATION = "sanitation", _("环境卫生")
    ROADS = "roads", _("道路设施")
    LIGHTING = "lighting", _("照明")
    PIPES = "pipes", _("管网")
    CABLES = "cables", _("线缆")
    SAFETY = "safety", _("安全隐患")
    OTHER = "other", _("其他")


# --- Problem reports (随手拍) ----------------------------------------------------------------


class ProblemReportQuerySet(ShownQuerySet):
    def visible_to(self, user):
        """A report is private: its reporter and the staff who triage reports."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("whistles.triage_report"):
            return self
        return self.filter(reporter=user)


class ProblemReport(Lifecycle, ShownModel):
    """A resident's report of a problem in the community, with up to three photos.

    Reports are private (their reporter and the staff who triage them): no public page shows one.
    """

    page_sections = (REPORTS_SECTION,)

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待处理")
        MERGED = "merged", _("已合并")
        CLOSED = "closed", _("已答复")
        HANDED = "handed", _("已交志愿者")
        WHISTLED = "whistled", _("已吹哨")
        RESOLVED = "resolved", _("已解决")

    category = models.CharField(
        _("类别"), max_length=12, choices=Category.choices, help_text=_("问题的类别，用于统计和吹哨时选择单位。")
    )
    description = models.TextField(
        _("问题描述"), max_length=500, blank=True, help_text=_("居民描述的问题，500字以内。")
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("问题在哪栋楼附近，决定由哪位网格员处理。"),
    )
    spot = models.CharField(_("具体位置"), max_length=100, blank=True, help_text=_("例如“楼后垃圾池旁”。"))
    contact_phone = models.CharField(
        _("联系电话（选填）"), max_length=12, blank=True, help_text=_("只有社区工作人员能看到，方便核实情况。")
    )
    reporter = models.ForeignKey(
        User, verbose_name=_("反映人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="problem_reports"
    )
    entered_by = models.ForeignKey(
        User, verbose_name=_("代录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resident_name = models.CharField(
        _("居民称呼"), max_length=20, blank=True, help_text=_("代录时填写：打电话或上门反映问题的居民怎么称呼。")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    reply = models.CharField(_("答复"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_reports",
    )
    whistle = models.ForeignKey(
        "Whistle", verbose_name=_("吹哨"), on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("志愿活动"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("反映时间"), auto_now_add=True, db_index=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题上报")
        verbose_name_plural = _("问题上报")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "-created"], name="report_status")]
        permissions = [("triage_report", _("可处理居民的问题上报并吹哨"))]

    def __str__(self):
        return f"{self.get_category_display()} · {self.place}"

    audit_name = "report"
    refusal = WhistleError
    refusal_message = _("这条反映已经处理过了（%(status)s）。")

    def get_absolute_url(self):
        return reverse("whistles:report", kwargs={"pk": self.pk})

    @property
    def place(self):
        return place_of(self.building.name, self.spot)

    @property
    def contact_person(self):
        """Whose phone this is: the reporter, or nobody with an account (代录; see ContactView)."""
        return self.reporter

    def routed_to(self):
        """Who handles the report: the grid worker of its building's grid, else the staff who triage reports."""
        worker = self.building.grid.grid_worker
        if worker is not None and worker.is_active and worker.is_staff:
            return [worker]
        return list(triage_staff())

    @classmethod
    def submit(cls, *, by, photos=(), on_behalf=False, **fields):
        """A resident reports a problem (or staff for a resident: 代录); at most three photos.

        The grid worker of the building's grid is told at once (or, if the grid
        has none, the staff who triage reports), in the same transaction.
        """
        if len(photos) > 3:
            raise WhistleError(gettext("最多上传 3 张照片。"))
        if not photos and not fields.get("description", "").strip():
            raise WhistleError(gettext("请拍张照片或写几句描述，说明是什么问题。"))
        with transaction.atomic():
            report = cls(**fields)
            if on_behalf:
                report.entered_by = by
            else:
                report.reporter = by
            report.save()
            for order, image in enumerate(photos):
                ReportPhoto.objects.create(report=report, image=image, order=order)
            report.record_transition("", cls.Status.SUBMITTED, by=by)
            for person in report.routed_to():
                if person.pk != by.pk:
                    notify(
                        person,
                        gettext("新的问题反映：%(report)s") % {"report": report},
                        body=report.description[:200],
                        url=report.get_absolute_url(),
                    )
        return report

    def merge_into(self, other, *, by):
        """Staff merge a duplicate into an earlier report; the reporter is told where it went."""
        if other.pk == self.pk:
            raise WhistleError(gettext("不能合并到自己。"))
        with transaction.atomic():
            self.lock()
            self.require(self.Status.SUBMITTED)
            self.merged_into = other
            self.move(self.Status.MERGED, by=by, note=str(other.pk), fields=["merged_into"])
            if other.whistle_id:
                self.whistle_id = other.whistle_id
                self.save(update_fields=["whistle"])
            notify(
                self.reporter,
                gettext("您反映的问题和其他居民反映的是同一件事，已合并处理。"),
                url=other.whistle.get_absolute_url() if other.whistle_id else self.get_absolute_url(),
            )

    def close_with_reply(self, *, by, reply):
        if not reply.strip():
            raise WhistleError(gettext("请写下给居民的答复。"))
        with transaction.atomic():
            self.lock()
            self.require(self.Status.SUBMITTED)
            self.reply = reply
            self.move(self.Status.CLOSED, by=by, note=reply, fields=["reply"])
            notify(self.reporter, gettext("社区答复了您反映的问题"), body=reply, url=self.get_absolute_url())

    def hand_to_volunteers(self, *, by, team, title, starts_at, hours=2, capacity=10):
        """Staff turn a small problem into a volunteer activity of ``team``."""
        with transaction.atomic():
            self.lock()
            self.require(self.Status.SUBMITTED)
            activity = Activity.objects.create(
                team=team,
                title=title,
                description=gettext("居民反映：%(text)s\n地点：%(place)s")
                % {"text": self.description, "place": self.place},
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                signup_deadline=starts_at - timedelta(hours=2),
                place=self.place,
                capacity=capacity,
            )
            self.activity = activity
            self.move(self.Status.HANDED, by=by, note=title, fields=["activity"])
            notify(
                self.reporter,
                gettext("您反映的问题已交给%(team)s的志愿者处理。") % {"team": team.name},
                url=activity.get_absolute_url(),
            )
        return activity

    def attach_to_whistle(self, whistle, *, by):
        """The report is answered by a whistle (staff blew it for this report); the reporter is told."""
        self.lock()
        self.require(self.Status.SUBMITTED)
        self.whistle = whistle
        self.move(self.Status.WHISTLED, by=by, note=whistle.title, fields=["whistle"])
        notify(
            self.reporter,
            gettext("您反映的问题社区已经“吹哨”，呼叫相关单位来解决。"),
            url=whistle.get_absolute_url(),
        )

    def resolve_with(self, whistle, *, by):
        """The whistle that answers this report was closed: the report is resolved with its summary."""
        self.lock()
        self.require(self.Status.WHISTLED)
        self.move(self.Status.RESOLVED, by=by, note=whistle.summary)


class ReportPhoto(ShownModel):
    page_sections = (REPORTS_SECTION,)

    report = models.ForeignKey(ProblemReport, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(Image, verbose_name=_("照片"), on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("问题照片")
        verbose_name_plural = _("问题照片")
        ordering = ["order"]

    def __str__(self):
        return f"{self.report_id}#{self.order}"


class ReportTransition(Transition, ShownModel):
    """One step of a report's handling (shown to its reporter and staff)."""

    page_sections = (REPORTS_SECTION,)

    report = models.ForeignKey(
        ProblemReport, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=10, choices=ProblemReport.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=ProblemReport.Status.choices)

    class Meta(Transition.Meta):
        verbose_name = _("问题进展")
        verbose_name_plural = _("问题进展")


# --- Whistles (吹哨) ---------------------------------------------------------------------------


class WhistleQuerySet(ShownQuerySet):
    def for_board(self):
        return self.select_related("building").prefetch_related(
            models.Prefetch("calls", queryset=WhistleCall.objects.select_related("unit", "team"))
        )

    def open(self):
        """Still waiting for the called units: not closed, not waiting for staff after a bad rating."""
        return self.filter(status__in=Whistle.OPEN_STATUSES)

    def overdue_first(self, now=None):
        """Whistles with an overdue call first, then the newest."""
        overdue = WhistleCall.objects.overdue(now).filter(whistle=models.OuterRef("pk"))
        return self.annotate(has_overdue=models.Exists(overdue)).order_by("-has_overdue", "-created")


class Whistle(Lifecycle, ShownModel):
    """The community blows the whistle on a problem: partner units and teams are called to report in and fix it."""

    class Status(models.TextChoices):
        CALLED = "called", _("已吹哨，等待报到")
        IN_PROGRESS = "in_progress", _("处理中")
        CLOSED = "closed", _("已解决")
        REOPENED = "reopened", _("居民不满意，待复核")

    OPEN_STATUSES = (Status.CALLED, Status.IN_PROGRESS)

    page_sections = (SECTION,)
    audit_name = "whistle"
    refusal = WhistleError

    title = models.CharField(_("要解决的问题"), max_length=60, help_text=_("一句话说清要解决的问题，公开显示。"))
    description = models.TextField(_("需要做什么"), max_length=1000, help_text=_("需要被呼叫的单位做什么，公开显示。"))
    category = models.CharField(
        _("类别"), max_length=12, choices=Category.choices, help_text=_("问题的类别，用于统计。")
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        on_delete=models.PROTECT,
        related_name="whistles",
        help_text=_("问题所在的楼栋，公开显示。"),
    )
    spot = models.CharField(
        _("具体位置"), max_length=100, blank=True, help_text=_("更具体的位置，例如“楼后垃圾池旁”，不要写门牌号。")
    )
    report_in_by = models.DateTimeField(_("报到截止"))
    resolve_by = models.DateTimeField(_("解决期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.CALLED)
    summary = models.TextField(
        _("处理结果"), max_length=1000, blank=True, help_text=_("处理结果，结束时填写，公开显示并请居民评价。")
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("吹哨人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(_("吹哨时间"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    objects = WhistleQuerySet.as_manager()

    class Meta:
        verbose_name = _("红哨子")
        verbose_name_plural = _("红哨子")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["status", "-created"], name="whistle_status"),
            models.Index(fields=["-created", "-id"], name="whistle_board"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_in_by__lte=models.F("resolve_by")), name="whistle_report_in_before_resolve"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("whistles:detail", kwargs={"pk": self.pk})

    @property
    def place(self):
        return place_of(self.building.name, self.spot)

    @classmethod
    def blow(cls, *, by, units=(), teams=(), reports=(), report_in_hours=24, resolve_days=7, **fields):
        """Staff blow the whistle: call units and teams, link the reports, tell everyone concerned."""
        if not units and not teams:
            raise WhistleError(gettext("请至少呼叫一个共建单位或服务队。"))
        now = timezone.now()
        with transaction.atomic():
            whistle = cls(
                created_by=by,
                report_in_by=now + timedelta(hours=report_in_hours),
                resolve_by=now + timedelta(days=resolve_days),
                **fields,
            )
            whistle.full_clean()
            whistle.save()
            whistle.record_transition("", cls.Status.CALLED, by=by)
            audit.record(actor=by, action="whistle.blow", target=whistle)
            for report in reports:
                report.attach_to_whistle(whistle, by=by)
            whistle._call(units=units, teams=teams)
        return whistle

    def _call(self, *, units=(), teams=()):
        url = self.get_absolute_url()
        message = gettext("红哨子：请在 %(deadline)s 前报到处理“%(title)s”") % {
            "deadline": deadline_text(self.report_in_by),
            "title": self.title,
        }
        for unit in units:
            WhistleCall.objects.get_or_create(whistle=self, unit=unit)
            for member in unit.members.all():
                notify(member, message, url=url)
        for team in teams:
            WhistleCall.objects.get_or_create(whistle=self, team=team)
            for leader in team.leader_users():
                notify(leader, message, url=url)

    def call_more(self, *, by, units=(), teams=(), report_in_hours=24, note=""):
        """Staff call (more) units or teams: another unit while the whistle is open, or again after a bad rating.

        Units called before are called afresh (a withdrawn call too). The
        report-in deadline moves to ``report_in_hours`` from now if that is
        later; a whistle reopened by a rating is in progress again.
        """
        if not units and not teams:
            raise WhistleError(gettext("请至少呼叫一个共建单位或服务队。"))
        with transaction.atomic():
            self.lock()
            self.require(*self.OPEN_STATUSES, self.Status.REOPENED, message=gettext("这个吹哨已经解决了，不能再呼叫。"))
            self.report_in_by = max(self.report_in_by, timezone.now() + timedelta(hours=report_in_hours))
            self.resolve_by = max(self.resolve_by, self.report_in_by)
            again = {"status": WhistleCall.Status.CALLED, "reported_in_at": None, "done_at": None, "withdrawn_at": None}
            WhistleCall.objects.filter(whistle=self, unit__in=units).update(**again)
            WhistleCall.objects.filter(whistle=self, team__in=teams).update(**again)
            names = "、".join([*(unit.name for unit in units), *(team.name for team in teams)])
            note = note or gettext("呼叫：%(names)s") % {"names": names}
            if self.status == self.Status.REOPENED:
                self.move(self.Status.CALLED, by=by, note=note, fields=["report_in_by", "resolve_by"])
            else:
                self.save(update_fields=["report_in_by", "resolve_by"])
                self.record_transition(self.status, self.status, by=by, note=note)
            self._call(units=units, teams=teams)

    def withdraw_call(self, call, *, by, reason):
        """Staff stop waiting for a unit (or team) that does not answer, with a reason: its call is 未应哨.

        The call counts as called and not answered in the unit's figures; the
        unit's members are told. Then the whistle can be closed without it.
        """
        if not reason.strip():
            raise WhistleError(gettext("请写明撤回呼叫的原因。"))
        with transaction.atomic():
            self.lock()
            self.require(*self.OPEN_STATUSES, message=gettext("只有进行中的吹哨可以撤回呼叫。"))
            call = WhistleCall.objects.select_for_update().get(pk=call.pk, whistle=self)
            if call.status not in (WhistleCall.Status.CALLED, WhistleCall.Status.REPORTED):
                raise WhistleError(gettext("这个单位的呼叫已经结束了。"))
            call.status, call.withdrawn_at, call.withdraw_reason = (
                WhistleCall.Status.WITHDRAWN,
                timezone.now(),
                reason,
            )
            call.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
            self.record_transition(
                self.status,
                self.status,
                by=by,
                note=gettext("撤回对%(who)s的呼叫：%(reason)s") % {"who": call.caller_name, "reason": reason},
            )
            audit.record(actor=by, action="whistle.withdraw_call", target=self, note=f"{call.caller_name}：{reason}")
            for member in call.people_to_tell():
                notify(
                    member,
                    gettext("社区撤回了对您单位的呼叫：%(title)s") % {"title": self.title},
                    body=reason,
                    url=self.get_absolute_url(),
                )

    def close(self, *, by, summary, before_photos=(), after_photos=()):
        """Staff close the loop once every called unit is done; reporters are asked to rate the result."""
        if not summary.strip():
            raise WhistleError(gettext("请写下处理结果，居民会在公开页面看到。"))
        with transaction.atomic():
            self.lock()
            if self.status == self.Status.CLOSED:
                raise WhistleError(gettext("这个吹哨已经解决了。"))
            pending = self.calls.filter(status__in=WhistleCall.WAITING_STATUSES)
            if pending.exists():
                names = "、".join(call.caller_name for call in pending.select_related("unit", "team"))
                raise WhistleError(
                    gettext("还有单位没有完成：%(names)s。请等它们完成，或撤回对它们的呼叫后再结束。")
                    % {"names": names}
                )
            for kind, photos in ((WhistlePhoto.Kind.BEFORE, before_photos), (WhistlePhoto.Kind.AFTER, after_photos)):
                for image in photos:
                    WhistlePhoto.objects.create(whistle=self, image=image, kind=kind)
            self.summary = summary
            self.closed_at = timezone.now()
            self.move(self.Status.CLOSED, by=by, note=summary, fields=["summary", "closed_at"])
            for report in self.reports.filter(status=ProblemReport.Status.WHISTLED):
                report.resolve_with(self, by=by)
            for reporter in self.reporters():
                notify(reporter, gettext("您反映的问题已经解决，请评价处理结果。"), url=self.get_absolute_url())

    def reporters(self):
        """The residents whose reports this whistle answers (merged duplicates included)."""
        return User.objects.filter(problem_reports__whistle=self).distinct()

    def rate(self, *, by, score, comment=""):
        """A reporter rates the result; 不满意 reopens the whistle for staff to decide."""
        if not self.reporters().filter(pk=by.pk).exists():
            raise WhistleError(gettext("只有反映这个问题的居民可以评价。"))
        with transaction.atomic():
            self.lock()
            if self.status != self.Status.CLOSED:
                raise WhistleError(gettext("问题解决后才能评价。"))
            if Rating.objects.filter(whistle=self, rater=by).exists():
                raise WhistleError(gettext("您已经评价过了，谢谢！"))
            rating = Rating.objects.create(whistle=self, rater=by, score=score, comment=comment)
            if score == Rating.Score.UNSATISFIED:
                self.move(self.Status.REOPENED, by=by, note=comment or gettext("居民不满意"))
                for staff in triage_staff():
                    notify(
                        staff,
                        gettext("居民对“%(title)s”的处理不满意，请复核。") % {"title": self.title},
                        body=comment,
                        url=self.get_absolute_url(),
                    )
        return rating


class WhistleCallQuerySet(ShownQuerySet):
    def overdue(self, now=None):
        """Calls that are overdue (逾期未报到): see ``WhistleCall.overdue``."""
        return self.filter(WhistleCall.overdue(now))


# A call "missed its deadline" (逾期) in a unit's figures: it reported in after the report-in deadline, or had
# not by then. Unlike "overdue" (still waiting now), this stays true of a late call after it reports in.
# SQL over the aliases c (whistles_whistlecall) and w (whistles_whistle).
MISSED_DEADLINE_SQL = "(c.reported_in_at > w.report_in_by OR (c.reported_in_at IS NULL AND w.report_in_by < now()))"


class WhistleCall(ShownModel):
    """One unit or team called by a whistle: called → reported in → done."""

    class Status(models.TextChoices):
        CALLED = "called", _("待报到")
        REPORTED = "reported", _("已报到")
        DONE = "done", _("已完成")
        # Staff stopped waiting for it (in the glossary: 未应哨, a call not answered).
        WITHDRAWN = "withdrawn", _("未应哨")

    # Still owing something: a whistle cannot be closed while one of its calls is here.
    WAITING_STATUSES = (Status.CALLED, Status.REPORTED)

    page_sections = (SECTION,)

    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="calls")
    unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("共建单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="whistle_calls",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("服务队"), on_delete=models.PROTECT, null=True, blank=True, related_name="whistle_calls"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CALLED)
    called_at = models.DateTimeField(_("呼叫时间"), auto_now_add=True)
    reported_in_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_in_by = models.ForeignKey(
        User, verbose_name=_("报到人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    people = models.PositiveSmallIntegerField(_("出动人数"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    objects = WhistleCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("呼叫")
        verbose_name_plural = _("呼叫")
        ordering = ["called_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, team__isnull=True) | Q(unit__isnull=True, team__isnull=False),
                name="whistlecall_unit_or_team",
            ),
            models.UniqueConstraint(fields=["whistle", "unit"], name="whistlecall_unit_once"),
            models.UniqueConstraint(fields=["whistle", "team"], name="whistlecall_team_once"),
        ]

    def __str__(self):
        return f"{self.whistle} · {self.caller_name}"

    @property
    def caller_name(self):
        return self.unit.name if self.unit_id else self.team.name

    def people_to_tell(self):
        """Who hears about this call: the unit's members, or the team's leaders."""
        return self.unit.members.all() if self.unit_id else self.team.leader_users()

    @staticmethod
    def overdue(now=None):
        """ "Overdue" (逾期未报到): the call still waits to report in, its whistle is still open, and the
        report-in deadline has passed. The one definition, as a filter: lists, reminders and workbenches use it.
        """
        return Q(
            status=WhistleCall.Status.CALLED,
            whistle__status__in=Whistle.OPEN_STATUSES,
            whistle__report_in_by__lt=now or timezone.now(),
        )

    def is_overdue(self, now=None):
        """``overdue`` for one call whose whistle is loaded."""
        return (
            self.status == self.Status.CALLED
            and self.whistle.status in Whistle.OPEN_STATUSES
            and self.whistle.report_in_by < (now or timezone.now())
        )

    @staticmethod
    def acting_for(user, calls):
        """Of ``calls``, those ``user`` may act on (two queries, whatever the number of calls)."""
        if not user.is_authenticated:
            return set()
        unit_ids = {call.unit_id for call in calls if call.unit_id}
        team_ids = {call.team_id for call in calls if call.team_id}
        units = (
            set(PartnerUnit.objects.with_member(user).filter(pk__in=unit_ids).values_list("pk", flat=True))
            if unit_ids
            else set()
        )
        teams = (
            set(Team.objects.led_by(user).filter(pk__in=team_ids).values_list("pk", flat=True)) if team_ids else set()
        )
        return {call.pk for call in calls if call.unit_id in units or call.team_id in teams}

    def may_act(self, user):
        """A member of the called unit, or a leader of the called team."""
        if not user.is_authenticated:
            return False
        if self.unit_id:
            return self.unit.memberships.filter(user=user).exists()
        return self.team.is_led_by(user)

    def report_in(self, *, by, people, note=""):
        """The unit (or team) reports in: who, when, how many people will come."""
        if not self.may_act(by):
            raise WhistleError(gettext("只有被呼叫单位的成员（或服务队队长）可以报到。"))
        with transaction.atomic():
            # The whistle first, then the call: every verb of a whistle and its calls locks in this order.
            whistle = Whistle.objects.select_for_update().get(pk=self.whistle_id)
            call = WhistleCall.objects.select_for_update().get(pk=self.pk)
            if call.status != self.Status.CALLED:
                raise WhistleError(gettext("已经报到过了。"))
            if whistle.status not in Whistle.OPEN_STATUSES:
                raise WhistleError(gettext("这个吹哨已经结束了。"))
            self.status, self.reported_in_at, self.reported_in_by, self.people = (
                self.Status.REPORTED,
                timezone.now(),
                by,
                people,
            )
            self.save(update_fields=["status", "reported_in_at", "reported_in_by", "people"])
            WhistleUpdate.objects.create(
                call=self, author=by, text=note or gettext("已报到，%(n)d 人前往处理。") % {"n": people}
            )
            if whistle.status == Whistle.Status.CALLED:
                whistle.move(Whistle.Status.IN_PROGRESS, by=by, note=self.caller_name)

    def post_update(self, *, by, text, photos=()):
        if not self.may_act(by):
            raise WhistleError(gettext("只有被呼叫单位的成员（或服务队队长）可以发布进展。"))
        if self.status != self.Status.REPORTED:
            raise WhistleError(gettext("报到后、完成前才能发布进展。"))
        if not text.strip() and not photos:
            raise WhistleError(gettext("请写几句进展或上传照片。"))
        if len(photos) > 3:
            raise WhistleError(gettext("最多上传 3 张照片。"))
        with transaction.atomic():  # the public page changes once, with the text and its photos
            update = WhistleUpdate.objects.create(call=self, author=by, text=text)
            update.photos.set(photos)
        return update

    def mark_done(self, *, by, note=""):
        """The unit (or team) says its part is done; when every call is done, the staff who triage are told."""
        if not self.may_act(by):
            raise WhistleError(gettext("只有被呼叫单位的成员（或服务队队长）可以标记完成。"))
        with transaction.atomic():
            # The whistle's row lock orders its calls' last steps: exactly one of them sees "all done".
            whistle = Whistle.objects.select_for_update().get(pk=self.whistle_id)
            call = WhistleCall.objects.select_for_update().get(pk=self.pk)
            if call.status != self.Status.REPORTED:
                raise WhistleError(
                    gettext("请先报到，再标记完成。")
                    if call.status == self.Status.CALLED
                    else gettext("已经标记完成了。")
                )
            self.status, self.done_at = self.Status.DONE, timezone.now()
            self.save(update_fields=["status", "done_at"])
            WhistleUpdate.objects.create(call=self, author=by, text=note or gettext("我们负责的部分已完成。"))
            if not whistle.calls.exclude(status=self.Status.DONE).exists():
                for staff in triage_staff():
                    notify(
                        staff,
                        gettext("“%(title)s”的所有单位已完成，请结束吹哨。") % {"title": whistle.title},
                        url=whistle.get_absolute_url(),
                    )


class WhistleUpdateQuerySet(ShownQuerySet):
    def shown(self):
        """The updates the public page shows: all but those staff hid."""
        return self.filter(hidden_reason="")


class WhistleUpdate(ShownModel):
    """Progress posted by a called unit, public unless staff hide it (with a reason the author sees)."""

    page_sections = (SECTION,)

    call = models.ForeignKey(WhistleCall, verbose_name=_("呼叫"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(User, verbose_name=_("发布人"), on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.CharField(_("进展"), max_length=300, blank=True)
    photos = models.ManyToManyField(Image, verbose_name=_("照片"), blank=True, related_name="+")
    hidden_reason = models.CharField(
        _("隐藏原因"), max_length=200, blank=True, help_text=_("填写后这条进展及照片不再公开，发布人会看到这个原因。")
    )
    created = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = WhistleUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("处理进展")
        verbose_name_plural = _("处理进展")
        ordering = ["created", "id"]

    def __str__(self):
        return self.text[:30]

    def hide(self, *, by, reason):
        """Staff hide this update (and its photos) from the public page; its author is told why."""
        hide_with_reason(
            self,
            "hidden_reason",
            author=self.author,
            title=gettext("您发布的处理进展已被隐藏"),
            url=self.call.whistle.get_absolute_url(),
            by=by,
            reason=reason,
            refusal=WhistleError,
        )


class WhistlePhoto(ShownModel):
    """A before or after photo of a closed whistle (public)."""

    page_sections = (SECTION,)

    class Kind(models.TextChoices):
        BEFORE = "before", _("处理前")
        AFTER = "after", _("处理后")

    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(Image, verbose_name=_("照片"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=6, choices=Kind.choices)

    class Meta:
        verbose_name = _("前后对比照片")
        verbose_name_plural = _("前后对比照片")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.whistle_id} {self.kind}"


class WhistleTransition(Transition, ShownModel):
    """One step in a whistle's life (its public timeline)."""

    page_sections = (SECTION,)

    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=12, choices=Whistle.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Whistle.Status.choices)
    # A closing summary is the note of its step.
    note = models.CharField(_("说明"), max_length=1000, blank=True)

    class Meta(Transition.Meta):
        verbose_name = _("吹哨进展")
        verbose_name_plural = _("吹哨进展")


class Rating(ShownModel):
    """A reporting resident's rating of the result (满意 / 基本满意 / 不满意)."""

    page_sections = (SECTION,)

    class Score(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(User, verbose_name=_("评价人"), on_delete=models.CASCADE, related_name="+")
    score = models.CharField(_("评价"), max_length=12, choices=Score.choices)
    comment = models.CharField(_("意见"), max_length=200, blank=True)
    hidden_reason = models.CharField(
        _("隐藏原因"),
        max_length=200,
        blank=True,
        help_text=_("填写后评价意见不再公开（评分照常计入），居民会看到这个原因。"),
    )
    created = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居民评价")
        verbose_name_plural = _("居民评价")
        ordering = ["created"]
        constraints = [models.UniqueConstraint(fields=["whistle", "rater"], name="rating_once_per_resident")]

    def __str__(self):
        return self.get_score_display()

    def hide(self, *, by, reason):
        """Staff hide the rating's comment (the score still counts); the resident is told why."""
        hide_with_reason(
            self,
            "hidden_reason",
            author=self.rater,
            title=gettext("您的评价意见已被隐藏"),
            url=self.whistle.get_absolute_url(),
            by=by,
            reason=reason,
            refusal=WhistleError,
        )


def unit_responsiveness(*, unit=None, start=None, end=None):
    """``responsiveness_query``'s rows, each with its ``unit`` (one query for the figures, one for the units)."""
    sql, params = responsiveness_query(unit=unit, start=start, end=end)
    rows = dict_rows(sql, params)
    units = {unit.pk: unit} if unit is not None else PartnerUnit.objects.in_bulk([row["unit_id"] for row in rows])
    for row in rows:
        row["unit"] = units[row["unit_id"]]
    return rows


def responsiveness_query(*, unit=None, start=None, end=None):
    """How partner units answer the whistle: the one definition of a unit's response figures, as (sql, params).

    One row per partner unit (or only ``unit``), over the whistles blown in
    [start, end) (either may be None): calls, calls answered (reported in),
    median hours from the call to reporting in and to finishing (withdrawn
    calls left out), calls that missed their deadline (``MISSED_DEADLINE_SQL``),
    calls withdrawn without a report-in (未应哨), and the share of the ratings of
    those whistles that were 满意. Units without a call count zero.
    Medians come from PostgreSQL (percentile_cont), for every unit in one query.
    """
    period, period_params = ["TRUE"], []
    if start is not None:
        period.append("w.created >= %s")
        period_params.append(start)
    if end is not None:
        period.append("w.created < %s")
        period_params.append(end)
    in_period = " AND ".join(period)
    # Units waiting for (or refused) approval are nobody's figures (双报到).
    only_unit, unit_params = "WHERE u.registration = 'approved'", []
    if unit is not None:
        only_unit, unit_params = "WHERE u.id = %s", [unit.pk]
    # The period's whistles are found first (by their date index), then their calls and ratings are summed per
    # unit in one pass each; units without a call in the period join in with zeros.
    sql = f"""
        WITH calls AS (
            SELECT c.unit_id,
                   COUNT(*) AS called,
                   COUNT(c.reported_in_at) AS answered,
                   percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY EXTRACT(EPOCH FROM c.reported_in_at - c.called_at) / 3600
                   ) FILTER (WHERE c.reported_in_at IS NOT NULL AND c.status <> %s) AS median_report_in_hours,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM c.done_at - c.called_at) / 3600)
                       FILTER (WHERE c.done_at IS NOT NULL) AS median_done_hours,
                   COUNT(*) FILTER (WHERE {MISSED_DEADLINE_SQL}) AS missed_deadline,
                   COUNT(*) FILTER (WHERE c.status = %s AND c.reported_in_at IS NULL) AS not_answered
            FROM whistles_whistle w JOIN whistles_whistlecall c ON c.whistle_id = w.id
            WHERE c.unit_id IS NOT NULL AND {in_period}
            GROUP BY c.unit_id
        ), rated AS (
            SELECT c.unit_id, COUNT(*) FILTER (WHERE r.score = %s) AS satisfied, COUNT(*) AS ratings
            FROM whistles_whistle w
            JOIN whistles_rating r ON r.whistle_id = w.id
            JOIN whistles_whistlecall c ON c.whistle_id = w.id AND c.unit_id IS NOT NULL
            WHERE {in_period}
            GROUP BY c.unit_id
        )
        SELECT u.id AS unit_id, u.name,
               COALESCE(calls.called, 0) AS called,
               COALESCE(calls.answered, 0) AS answered,
               calls.median_report_in_hours,
               calls.median_done_hours,
               COALESCE(calls.missed_deadline, 0) AS missed_deadline,
               COALESCE(calls.not_answered, 0) AS not_answered,
               rated.satisfied * 100.0 / NULLIF(rated.ratings, 0) AS satisfied_percent
        FROM volunteers_partnerunit u
        LEFT JOIN calls ON calls.unit_id = u.id
        LEFT JOIN rated ON rated.unit_id = u.id
        {only_unit}
        ORDER BY calls.median_report_in_hours NULLS LAST, u.name
    """
    withdrawn = WhistleCall.Status.WITHDRAWN.value
    return sql, [
        withdrawn,
        withdrawn,
        *period_params,
        Rating.Score.SATISFIED.value,
        *period_params,
        *unit_params,
    ]


def deadline_text(moment):
    """A deadline as messages write it (month-day hour:minute, in the community's time zone)."""
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def notify_overdue(now=None):
    """Tell staff and the unit (or the team's leaders), once, that a call is overdue."""
    late = (
        WhistleCall.objects.overdue(now)
        .filter(overdue_notified_at__isnull=True)
        .select_related("whistle", "unit", "team")
    )
    staff = list(triage_staff())
    count = 0
    for call in late:
        with transaction.atomic():
            message = gettext("“%(who)s”未在期限内报到：%(title)s") % {
                "who": call.caller_name,
                "title": call.whistle.title,
            }
            for person in staff:
                notify(person, message, url=call.whistle.get_absolute_url())
            for member in call.people_to_tell():
                notify(
                    member,
                    gettext("您的单位已超过报到期限，请尽快报到：%(title)s") % {"title": call.whistle.title},
                    url=call.whistle.get_absolute_url(),
                )
            call.overdue_notified_at = now or timezone.now()
            call.save(update_fields=["overdue_notified_at"])
        count += 1
    return count


def may_view_report_photo(user, image):
    """Problem-report photos are private: the reporter, the staff who triage reports and, while a whistle
    answers the report, the members of the units (and the leaders of the teams) it called, who need to see
    what to fix."""
    if ProblemReport.objects.visible_to(user).filter(photos__image=image).exists():
        return True
    if not user.is_authenticated:
        return False
    called = WhistleCall.objects.filter(
        Q(unit__in=PartnerUnit.objects.with_member(user)) | Q(team__in=Team.objects.led_by(user)),
        whistle__status__in=Whistle.OPEN_STATUSES,
    )
    return ProblemReport.objects.filter(photos__image=image, whistle__calls__in=called).exists()
