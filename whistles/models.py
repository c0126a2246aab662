"""The red whistle (红哨子 · 吹哨报到): problem reports, whistles to partner units, report-ins and ratings.

Two lifecycles live here, each in one place:

    ProblemReport: submitted → merged | closed (with a reply) | handed (to volunteers) | whistled → resolved
    Whistle:       called → in_progress (a unit reported in) → closed (all done, staff summary)
                   closed → reopened (an unsatisfied rating) → closed again, or more units called

Every change goes through a method below, is recorded as a transition (who,
when, from, to, note) and leaves the notifications that follow from it.
"""

from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit
from community.models import Building, Image, User
from community.notifications import notify
from volunteers.models import Activity, PartnerUnit, Team


def triage_staff():
    """The staff who handle reports and whistles (and superusers): told about overdue units and bad ratings."""
    return User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions__codename="triage_report"), is_staff=True, is_active=True
    ).distinct()


class WhistleError(Exception):
    """A move that is not allowed; the message is for the person who tried it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Category(models.TextChoices):
    SANITATION = "sanitation", _("环境卫生")
    ROADS = "roads", _("道路设施")
    LIGHTING = "lighting", _("照明")
    PIPES = "pipes", _("管网")
    CABLES = "cables", _("线缆")
    SAFETY = "safety", _("安全隐患")
    OTHER = "other", _("其他")


# --- Problem reports (随手拍) ----------------------------------------------------------------


class ProblemReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A report is private: its reporter and the staff who triage reports."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff and user.has_perm("whistles.triage_report"):
            return self
        return self.filter(reporter=user)


class ProblemReport(models.Model):
    """A resident's report of a problem in the community, with up to three photos."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待处理")
        MERGED = "merged", _("已合并")
        CLOSED = "closed", _("已答复")
        HANDED = "handed", _("已交志愿者")
        WHISTLED = "whistled", _("已吹哨")
        RESOLVED = "resolved", _("已解决")

    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    description = models.TextField(_("问题描述"), max_length=500, blank=True)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="reports")
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
        return f"{self.get_category_display()} · {self.building.name}"

    def get_absolute_url(self):
        return reverse("whistles:report", kwargs={"pk": self.pk})

    @property
    def place(self):
        return f"{self.building.name}{self.spot}"

    def _move(self, to, *, by, note="", fields=()):
        before = self.status
        self.status = to
        self.save(update_fields=["status", *fields])
        ReportTransition.objects.create(report=self, from_status=before, to_status=to, actor=by, note=note)
        if by is not None and by.is_staff:
            audit.record(actor=by, action=f"report.{to}", target=self, changes={"status": (before, to)}, note=note)

    def _lock(self):
        self.refresh_from_db(from_queryset=ProblemReport.objects.select_for_update(of=("self",)))

    def _require_submitted(self):
        if self.status != self.Status.SUBMITTED:
            raise WhistleError(gettext("这条反映已经处理过了（%(status)s）。") % {"status": self.get_status_display()})

    @classmethod
    def submit(cls, *, by, photos=(), on_behalf=False, **fields):
        """A resident reports a problem (or staff for a resident); at most three photos."""
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
            ReportTransition.objects.create(report=report, from_status="", to_status=cls.Status.SUBMITTED, actor=by)
        return report

    def merge_into(self, other, *, by):
        """Staff merge a duplicate into an earlier report; the reporter is told where it went."""
        if other.pk == self.pk:
            raise WhistleError(gettext("不能合并到自己。"))
        with transaction.atomic():
            self._lock()
            self._require_submitted()
            self.merged_into = other
            self._move(self.Status.MERGED, by=by, note=str(other.pk), fields=["merged_into"])
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
            self._lock()
            self._require_submitted()
            self.reply = reply
            self._move(self.Status.CLOSED, by=by, note=reply, fields=["reply"])
            notify(self.reporter, gettext("社区答复了您反映的问题"), body=reply, url=self.get_absolute_url())

    def hand_to_volunteers(self, *, by, team, title, starts_at, hours=2, capacity=10):
        """Staff turn a small problem into a volunteer activity of ``team``."""
        with transaction.atomic():
            self._lock()
            self._require_submitted()
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
            self._move(self.Status.HANDED, by=by, note=title, fields=["activity"])
            notify(
                self.reporter,
                gettext("您反映的问题已交给%(team)s的志愿者处理。") % {"team": team.name},
                url=activity.get_absolute_url(),
            )
        return activity


class ReportPhoto(models.Model):
    report = models.ForeignKey(ProblemReport, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(Image, verbose_name=_("照片"), on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("问题照片")
        verbose_name_plural = _("问题照片")
        ordering = ["order"]

    def __str__(self):
        return f"{self.report_id}#{self.order}"


class ReportTransition(models.Model):
    report = models.ForeignKey(
        ProblemReport, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=10, choices=ProblemReport.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=ProblemReport.Status.choices)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问题进展")
        verbose_name_plural = _("问题进展")
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


# --- Whistles (吹哨) ---------------------------------------------------------------------------


class WhistleQuerySet(models.QuerySet):
    def for_board(self):
        return self.select_related("building").prefetch_related(
            models.Prefetch("calls", queryset=WhistleCall.objects.select_related("unit", "team"))
        )

    def overdue_first(self, now=None):
        """Whistles with a unit that missed its report-in deadline first, then the newest."""
        now = now or timezone.now()
        late = WhistleCall.objects.filter(whistle=models.OuterRef("pk"), status=WhistleCall.Status.CALLED)
        return self.annotate(has_overdue=models.Exists(late.filter(whistle__report_in_by__lt=now))).order_by(
            "-has_overdue", "-created"
        )


class Whistle(models.Model):
    """The community blows the whistle on a problem: partner units and teams are called to report in and fix it."""

    class Status(models.TextChoices):
        CALLED = "called", _("已吹哨，等待报到")
        IN_PROGRESS = "in_progress", _("处理中")
        CLOSED = "closed", _("已解决")
        REOPENED = "reopened", _("居民不满意，待复核")

    title = models.CharField(_("要解决的问题"), max_length=60)
    description = models.TextField(_("需要做什么"), max_length=1000)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="whistles")
    spot = models.CharField(_("具体位置"), max_length=100, blank=True)
    report_in_by = models.DateTimeField(_("报到截止"))
    resolve_by = models.DateTimeField(_("解决期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.CALLED)
    summary = models.TextField(_("处理结果"), max_length=1000, blank=True)
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
        return f"{self.building.name}{self.spot}"

    def _lock(self):
        self.refresh_from_db(from_queryset=Whistle.objects.select_for_update(of=("self",)))

    def _move(self, to, *, by, note="", fields=()):
        before = self.status
        self.status = to
        self.save(update_fields=["status", *fields])
        WhistleTransition.objects.create(whistle=self, from_status=before, to_status=to, actor=by, note=note)
        if by is not None and by.is_staff:
            audit.record(actor=by, action=f"whistle.{to}", target=self, changes={"status": (before, to)}, note=note)

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
            WhistleTransition.objects.create(whistle=whistle, from_status="", to_status=cls.Status.CALLED, actor=by)
            audit.record(actor=by, action="whistle.blow", target=whistle)
            for report in reports:
                report._lock()
                report._require_submitted()
                report.whistle = whistle
                report._move(ProblemReport.Status.WHISTLED, by=by, note=whistle.title, fields=["whistle"])
                notify(
                    report.reporter,
                    gettext("您反映的问题社区已经“吹哨”，呼叫相关单位来解决。"),
                    url=whistle.get_absolute_url(),
                )
            whistle._call(units=units, teams=teams)
        return whistle

    def _call(self, *, units=(), teams=()):
        url = self.get_absolute_url()
        message = gettext("红哨子：请在 %(deadline)s 前报到处理“%(title)s”") % {
            "deadline": timezone.localtime(self.report_in_by).strftime("%m-%d %H:%M"),
            "title": self.title,
        }
        for unit in units:
            WhistleCall.objects.get_or_create(whistle=self, unit=unit)
            for member in unit.members.all():
                notify(member, message, url=url)
        for team in teams:
            WhistleCall.objects.get_or_create(whistle=self, team=team)
            for membership in team.memberships.filter(is_leader=True, status="accepted").select_related(
                "volunteer__user"
            ):
                notify(membership.volunteer.user, message, url=url)

    def call_more(self, *, by, units=(), teams=(), report_in_hours=24, note=""):
        """After an unsatisfied rating, staff may call (more) units back: the whistle is in progress again."""
        if not units and not teams:
            raise WhistleError(gettext("请至少呼叫一个共建单位或服务队。"))
        with transaction.atomic():
            self._lock()
            if self.status != self.Status.REOPENED:
                raise WhistleError(gettext("只有居民不满意、待复核的吹哨可以重新呼叫。"))
            self.report_in_by = timezone.now() + timedelta(hours=report_in_hours)
            self.resolve_by = max(self.resolve_by, self.report_in_by)
            WhistleCall.objects.filter(whistle=self, unit__in=units).update(
                status=WhistleCall.Status.CALLED, reported_in_at=None, done_at=None
            )
            WhistleCall.objects.filter(whistle=self, team__in=teams).update(
                status=WhistleCall.Status.CALLED, reported_in_at=None, done_at=None
            )
            self._move(self.Status.CALLED, by=by, note=note, fields=["report_in_by", "resolve_by"])
            self._call(units=units, teams=teams)

    def close(self, *, by, summary, before_photos=(), after_photos=()):
        """Staff close the loop once every called unit is done; reporters are asked to rate the result."""
        if not summary.strip():
            raise WhistleError(gettext("请写下处理结果，居民会在公开页面看到。"))
        with transaction.atomic():
            self._lock()
            if self.status == self.Status.CLOSED:
                raise WhistleError(gettext("这个吹哨已经解决了。"))
            pending = self.calls.exclude(status=WhistleCall.Status.DONE)
            if pending.exists():
                names = "、".join(call.caller_name for call in pending.select_related("unit", "team"))
                raise WhistleError(gettext("还有单位没有完成：%(names)s。全部完成后才能结束。") % {"names": names})
            for kind, photos in ((WhistlePhoto.Kind.BEFORE, before_photos), (WhistlePhoto.Kind.AFTER, after_photos)):
                for image in photos:
                    WhistlePhoto.objects.create(whistle=self, image=image, kind=kind)
            self.summary = summary
            self.closed_at = timezone.now()
            self._move(self.Status.CLOSED, by=by, note=summary, fields=["summary", "closed_at"])
            for report in self.reports.filter(status=ProblemReport.Status.WHISTLED):
                report._move(ProblemReport.Status.RESOLVED, by=by, note=summary)
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
            self._lock()
            if self.status != self.Status.CLOSED:
                raise WhistleError(gettext("问题解决后才能评价。"))
            if Rating.objects.filter(whistle=self, rater=by).exists():
                raise WhistleError(gettext("您已经评价过了，谢谢！"))
            rating = Rating.objects.create(whistle=self, rater=by, score=score, comment=comment)
            if score == Rating.Score.UNSATISFIED:
                self._move(self.Status.REOPENED, by=by, note=comment or gettext("居民不满意"))
                for staff in triage_staff():
                    notify(
                        staff,
                        gettext("居民对“%(title)s”的处理不满意，请复核。") % {"title": self.title},
                        body=comment,
                        url=self.get_absolute_url(),
                    )
        return rating


class WhistleCall(models.Model):
    """One unit or team called by a whistle: called → reported in → done."""

    class Status(models.TextChoices):
        CALLED = "called", _("待报到")
        REPORTED = "reported", _("已报到")
        DONE = "done", _("已完成")

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

    def is_overdue(self, now=None):
        return self.status == self.Status.CALLED and (now or timezone.now()) > self.whistle.report_in_by

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
            call = WhistleCall.objects.select_for_update().select_related("whistle").get(pk=self.pk)
            if call.status != self.Status.CALLED:
                raise WhistleError(gettext("已经报到过了。"))
            whistle = call.whistle
            if whistle.status not in (Whistle.Status.CALLED, Whistle.Status.IN_PROGRESS):
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
                whistle._move(Whistle.Status.IN_PROGRESS, by=by, note=self.caller_name)

    def post_update(self, *, by, text, photos=()):
        if not self.may_act(by):
            raise WhistleError(gettext("只有被呼叫单位的成员（或服务队队长）可以发布进展。"))
        if self.status != self.Status.REPORTED:
            raise WhistleError(gettext("报到后、完成前才能发布进展。"))
        if not text.strip() and not photos:
            raise WhistleError(gettext("请写几句进展或上传照片。"))
        if len(photos) > 3:
            raise WhistleError(gettext("最多上传 3 张照片。"))
        update = WhistleUpdate.objects.create(call=self, author=by, text=text)
        update.photos.set(photos)
        return update

    def mark_done(self, *, by, note=""):
        if not self.may_act(by):
            raise WhistleError(gettext("只有被呼叫单位的成员（或服务队队长）可以标记完成。"))
        with transaction.atomic():
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
        if not self.whistle.calls.exclude(status=self.Status.DONE).exists():
            for staff in triage_staff():
                notify(
                    staff,
                    gettext("“%(title)s”的所有单位已完成，请结束吹哨。") % {"title": self.whistle.title},
                    url=self.whistle.get_absolute_url(),
                )


class WhistleUpdateQuerySet(models.QuerySet):
    def shown(self):
        """The updates the public page shows: all but those staff hid."""
        return self.filter(hidden_reason="")


class WhistleUpdate(models.Model):
    """Progress posted by a called unit, public unless staff hide it (with a reason the author sees)."""

    call = models.ForeignKey(WhistleCall, verbose_name=_("呼叫"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(User, verbose_name=_("发布人"), on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.CharField(_("进展"), max_length=300, blank=True)
    photos = models.ManyToManyField(Image, verbose_name=_("照片"), blank=True, related_name="+")
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
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
        _hide(self, self.author, gettext("您发布的处理进展已被隐藏"), by=by, reason=reason)


class WhistlePhoto(models.Model):
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


class WhistleTransition(models.Model):
    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=12, choices=Whistle.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Whistle.Status.choices)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("吹哨进展")
        verbose_name_plural = _("吹哨进展")
        ordering = ["created", "id"]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Rating(models.Model):
    """A reporting resident's rating of the result (满意 / 基本满意 / 不满意)."""

    class Score(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(User, verbose_name=_("评价人"), on_delete=models.CASCADE, related_name="+")
    score = models.CharField(_("评价"), max_length=12, choices=Score.choices)
    comment = models.CharField(_("意见"), max_length=200, blank=True)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
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
        _hide(self, self.rater, gettext("您的评价意见已被隐藏"), by=by, reason=reason)


def _hide(item, author, title, *, by, reason):
    if not reason.strip():
        raise WhistleError(gettext("请写明隐藏的原因，作者会看到。"))
    item.hidden_reason = reason
    item.save(update_fields=["hidden_reason"])
    audit.record(actor=by, action=f"{item._meta.model_name}.hide", target=item, note=reason)
    whistle = item.call.whistle if hasattr(item, "call") else item.whistle
    notify(author, title, body=gettext("原因：%(reason)s") % {"reason": reason}, url=whistle.get_absolute_url())


def unit_responsiveness(unit=None, since=None):
    """Per unit: whistles answered, median hours to report in and to finish, overdue count, satisfaction.

    Medians come from PostgreSQL (percentile_cont); one query for every unit.
    """
    from django.db import connection

    sql, params = responsiveness_query(unit, since)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [col[0] for col in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    units = {unit.pk: unit} if unit is not None else PartnerUnit.objects.in_bulk([row["unit_id"] for row in rows])
    for row in rows:
        row["unit"] = units[row["unit_id"]]
    return rows


def responsiveness_query(unit=None, since=None):
    """The SQL of unit_responsiveness: (sql, params)."""
    where = ["c.unit_id IS NOT NULL"]
    params = []
    if unit is not None:
        where.append("c.unit_id = %s")
        params.append(unit.pk)
    if since is not None:
        where.append("w.created >= %s")
        params.append(since)
    sql = f"""
        SELECT c.unit_id,
               COUNT(*) AS called,
               COUNT(c.reported_in_at) AS answered,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM c.reported_in_at - c.called_at) / 3600)
                   FILTER (WHERE c.reported_in_at IS NOT NULL) AS median_report_in_hours,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM c.done_at - c.called_at) / 3600)
                   FILTER (WHERE c.done_at IS NOT NULL) AS median_done_hours,
               COUNT(*) FILTER (WHERE (c.reported_in_at IS NULL AND now() > w.report_in_by)
                                   OR c.reported_in_at > w.report_in_by) AS overdue,
               (SELECT COUNT(*) FILTER (WHERE r.score = 'satisfied') * 100.0 / NULLIF(COUNT(*), 0)
                  FROM whistles_rating r JOIN whistles_whistlecall c2 ON c2.whistle_id = r.whistle_id
                 WHERE c2.unit_id = c.unit_id) AS satisfied_percent
        FROM whistles_whistlecall c JOIN whistles_whistle w ON w.id = c.whistle_id
        WHERE {" AND ".join(where)}
        GROUP BY c.unit_id
        ORDER BY median_report_in_hours NULLS LAST
    """
    return sql, params


def notify_overdue(now=None):
    """Tell staff and the unit, once, that a called unit missed its report-in deadline."""
    now = now or timezone.now()
    late = WhistleCall.objects.filter(
        status=WhistleCall.Status.CALLED,
        whistle__report_in_by__lt=now,
        overdue_notified_at__isnull=True,
        whistle__status__in=[Whistle.Status.CALLED, Whistle.Status.IN_PROGRESS],
    ).select_related("whistle", "unit", "team")
    staff = list(triage_staff())
    count = 0
    for call in late:
        message = gettext("“%(who)s”未在期限内报到：%(title)s") % {"who": call.caller_name, "title": call.whistle.title}
        for person in staff:
            notify(person, message, url=call.whistle.get_absolute_url())
        members = (
            call.unit.members.all()
            if call.unit_id
            else [
                m.volunteer.user for m in call.team.memberships.filter(is_leader=True).select_related("volunteer__user")
            ]
        )
        for member in members:
            notify(
                member,
                gettext("您的单位已超过报到期限，请尽快报到：%(title)s") % {"title": call.whistle.title},
                url=call.whistle.get_absolute_url(),
            )
        WhistleCall.objects.filter(pk=call.pk).update(overdue_notified_at=now)
        count += 1
    return count


def may_view_report_photo(user, image):
    """Problem-report photos are private: the reporter and the staff who triage reports."""
    return ProblemReport.objects.visible_to(user).filter(photos__image=image).exists()
