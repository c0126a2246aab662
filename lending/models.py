"""The lending box (爱心百宝箱): things neighbours may borrow, and their loans (借用).

Staff keep the inventory in the admin (``Item``: photo, how many, where to
collect, deposit). A loan's life lives here, in one place; every change of
``Loan.status`` goes through one of the verbs below, which take the row lock,
check the current state, record a ``LoanTransition`` and leave the borrower a
notification (email follows after commit, through the outbox)::

    requested   → handed_over (staff, with the due date) | declined (staff, with a reason)
                | cancelled (the borrower)
    handed_over → returned (staff)

Three rules, each defined once:
- a loan that is requested or handed over *reserves* a unit: ``Loan.RESERVING``;
- *available now* (现在可借) = quantity − reserved units: ``Item.objects.with_availability``;
- *overdue* (已逾期) = handed over and its due date has passed: ``overdue_q``, read through
  ``Loan.objects.overdue`` and ``Loan.objects.marking_overdue`` by the staff queue, the reminders and 我的.

Loans are private to the borrower and the staff who hold ``lending.handle_loan``
(``Loan.objects.visible_to``); public pages show items and how many are available, never who borrowed them.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.lifecycle import Lifecycle, NotAllowed, Transition
from community.models import Image, User
from community.notifications import notify
from community.sections import ShownModel, ShownQuerySet

# The public lending box and the item pages show availability, which every loan moves: one section for both.
SECTION = "lending"

# A resident has at most this many loans asked for or out at once, so that nobody empties the box.
MAX_LIVE_LOANS = 3
# The latest due date staff may set at hand-over, counted from today.
LONGEST_LOAN_DAYS = 90
# Reminders are sent from this hour on (community time): nobody is woken by a reminder at midnight.
REMINDERS_FROM_HOUR = 8
DELETED_BORROWER = "已注销居民"


class LendingError(NotAllowed):
    """A move the loan lifecycle does not allow; the message is for the person who tried it."""


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请，待领取")
    HANDED_OVER = "handed_over", _("借用中")
    RETURNED = "returned", _("已归还")
    DECLINED = "declined", _("未能借出")
    CANCELLED = "cancelled", _("已取消")


def overdue_q(today=None):
    """ "Overdue" (已逾期): handed over and not returned after the end of its due date (community time).

    The one definition, as a filter: the staff queue, the reminders and 我的 use it.
    """
    return Q(status=LoanStatus.HANDED_OVER, due_on__lt=today or timezone.localdate())


def due_date_problem(due_on, today=None):
    """Why ``due_on`` cannot be a loan's due date (a message for staff), or None: from today to LONGEST_LOAN_DAYS."""
    today = today or timezone.localdate()
    if due_on < today:
        return gettext("归还日期不能早于今天。")
    if due_on > today + timedelta(days=LONGEST_LOAN_DAYS):
        return gettext("归还日期最多定在 %(days)d 天以后。") % {"days": LONGEST_LOAN_DAYS}
    return None


def may_handle_loans(user):
    """Staff who hand items over and take them back (lending.handle_loan): they see every loan."""
    return user.is_authenticated and user.is_staff and user.has_perm("lending.handle_loan")


def day_text(day):
    """A date as messages write it: 3月8日."""
    return date_format(day, "n月j日")


# --- Items ---------------------------------------------------------------------------------------


class ItemQuerySet(ShownQuerySet):
    def shown(self):
        """Items the public box shows (staff switch an item off while it is being repaired or was given away)."""
        return self.filter(active=True)

    def with_availability(self):
        """Each item with ``reserved`` (units asked for or out) and ``available`` (available now: quantity − reserved).

        The one place "available now" is counted: the box, the item page, the home page, the admin and the
        request itself (after it locked the item) read it from here.
        """
        reserved = (
            Loan.objects.filter(item=OuterRef("pk"), status__in=Loan.RESERVING)
            .order_by()
            .values("item")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(reserved=Coalesce(Subquery(reserved, output_field=IntegerField()), 0)).annotate(
            available=F("quantity") - F("reserved")
        )

    def available_now(self):
        """Shown items with at least one unit to lend now."""
        return self.shown().with_availability().filter(available__gt=0)

    def for_box(self):
        """The public box: shown items, what can be borrowed now first, then in the staff's order."""
        return (
            self.shown()
            .with_availability()
            .select_related("photo")
            .order_by(Case(When(available__gt=0, then=0), default=1), "order", "name", "pk")
        )


class Item(ShownModel):
    """Something neighbours may borrow (a wheelchair, reading glasses, an umbrella …), kept by the community office."""

    page_sections = (SECTION,)

    name = models.CharField(_("物品名称"), max_length=40, help_text=_("例如“轮椅”“老花镜（200度）”，公开显示。"))
    description = models.TextField(
        _("说明"), max_length=500, blank=True, help_text=_("用途、规格、使用注意事项，公开显示。500字以内。")
    )
    photo = models.ForeignKey(
        Image, verbose_name=_("照片"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(
        _("数量"),
        default=1,
        validators=[MaxValueValidator(999)],
        help_text=_("一共有几件可以出借。借出和已申请的会自动从“现在可借”里减去。"),
    )
    collect_at = models.CharField(
        _("领取地点"), max_length=100, help_text=_("到哪里领取和归还，例如“社区党群服务中心一楼服务台”。公开显示。")
    )
    deposit = models.DecimalField(
        _("押金（元）"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("不收押金就空着。归还时退还。"),
    )
    deposit_note = models.CharField(
        _("押金说明"), max_length=60, blank=True, help_text=_("选填，例如“也可以押身份证复印件”。公开显示。")
    )
    loan_days = models.PositiveSmallIntegerField(
        _("默认借期（天）"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(LONGEST_LOAN_DAYS)],
        help_text=_("借出时默认的归还日期是几天以后；工作人员借出时可以改。"),
    )
    active = models.BooleanField(_("在百宝箱里显示"), default=True, help_text=_("维修中或已送出的物品取消勾选。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    created = models.DateTimeField(_("添加时间"), auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("百宝箱物品")
        verbose_name_plural = _("百宝箱物品")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="lending_item_name_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("lending:item", kwargs={"pk": self.pk})

    def counted(self):
        """This item's ``reserved`` and ``available`` units now (``ItemQuerySet.with_availability``), read afresh."""
        return type(self).objects.with_availability().values("reserved", "available").get(pk=self.pk)

    def clean(self):
        """Staff may not count fewer units than are asked for or out (availability would go below zero)."""
        if self.pk and self.quantity is not None:
            reserved = self.counted()["reserved"]
            if self.quantity < reserved:
                raise ValidationError(
                    {"quantity": gettext("现在有 %(n)d 件已借出或已有人申请，数量不能少于 %(n)d。") % {"n": reserved}}
                )

    @property
    def deposit_text(self):
        """The deposit as the pages say it: "押金 200 元（…）" or "免押金"."""
        if self.deposit:
            text = gettext("押金 %(amount)s 元") % {"amount": floatformat(self.deposit, -2)}
        else:
            text = gettext("免押金")
        return f"{text}（{self.deposit_note}）" if self.deposit_note else text

    def default_due_on(self, today=None):
        return (today or timezone.localdate()) + timedelta(days=self.loan_days)


# --- Loans ---------------------------------------------------------------------------------------


class LoanQuerySet(ShownQuerySet):
    def visible_to(self, user):
        """Loans are private: the borrower sees hers; staff who handle loans see them all."""
        if not user.is_authenticated:
            return self.none()
        if may_handle_loans(user):
            return self
        return self.filter(borrower=user)

    def live(self):
        """Asked for or out: the loans that reserve a unit."""
        return self.filter(status__in=Loan.RESERVING)

    def waiting_for_hand_over(self):
        return self.filter(status=LoanStatus.REQUESTED)

    def out(self):
        return self.filter(status=LoanStatus.HANDED_OVER)

    def overdue(self, today=None):
        """Overdue loans (``overdue_q``)."""
        return self.filter(overdue_q(today))

    def marking_overdue(self, today=None):
        """Each loan with ``is_overdue`` (``overdue_q``), for lists that show the mark."""
        return self.annotate(is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()))

    def due_tomorrow(self, today=None):
        """Out, and due back tomorrow: the day-before reminder."""
        today = today or timezone.localdate()
        return self.filter(status=LoanStatus.HANDED_OVER, due_on=today + timedelta(days=1))


class Loan(Lifecycle, ShownModel):
    """One resident borrowing one unit of an item: asked for, handed over with a due date, returned."""

    Status = LoanStatus
    RESERVING = (LoanStatus.REQUESTED, LoanStatus.HANDED_OVER)

    page_sections = (SECTION,)
    audit_name = "loan"
    refusal = LendingError
    refusal_message = _("这次借用现在是“%(status)s”，不能这样操作。")

    item = models.ForeignKey(Item, verbose_name=_("物品"), on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey(
        User, verbose_name=_("借用人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="loans"
    )
    status = models.CharField(_("状态"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.REQUESTED)
    note = models.CharField(
        _("居民留言"), max_length=100, blank=True, help_text=_("居民申请时写给工作人员的话，例如什么时候来领。")
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True, db_index=True)
    handed_over_at = models.DateTimeField(_("借出时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        User, verbose_name=_("经手借出"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("归还日期"), null=True, blank=True, help_text=_("借出时由工作人员确定。"))
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        User, verbose_name=_("经手归还"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply = models.CharField(_("未能借出的原因"), max_length=200, blank=True)
    due_reminder_sent_at = models.DateTimeField(_("到期前提醒时间"), null=True, blank=True)
    overdue_reminder_sent_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("借用")
        verbose_name_plural = _("借用")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="loan_status_due")]
        constraints = [
            # One live loan of an item per resident: a double click asks once.
            models.UniqueConstraint(
                fields=["item", "borrower"],
                condition=Q(status__in=["requested", "handed_over"]),
                name="loan_one_live_per_item_and_borrower",
            ),
            # Out or back: it was handed over, with a due date.
            models.CheckConstraint(
                condition=~Q(status__in=["handed_over", "returned"])
                | Q(handed_over_at__isnull=False, due_on__isnull=False),
                name="loan_handed_over_has_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_at__isnull=False), name="loan_returned_has_time"
            ),
        ]
        permissions = [("handle_loan", _("可办理爱心百宝箱的借出、归还"))]

    def __str__(self):
        return f"{self.item} · {self.borrower_name}"

    def get_absolute_url(self):
        return reverse("lending:loan", kwargs={"pk": self.pk})

    @property
    def borrower_name(self):
        """How staff pages name the borrower: her name on the portal (never her phone or address)."""
        return self.borrower.display_name if self.borrower_id else DELETED_BORROWER

    def _notify_borrower(self, title, *, body=""):
        notify(self.borrower, title, body=body, url=self.get_absolute_url())

    @classmethod
    def request(cls, *, item, by, note=""):
        """A resident asks to borrow one unit of ``item``: a unit is reserved for her until staff hand it over.

        The borrower's row is locked first (her limit of MAX_LIVE_LOANS holds when she clicks on several
        items at once), then the item's: of residents asking for the last unit at the same moment, one gets
        it and the others are told it is gone. Availability is counted after the lock, in the one place.
        """
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=by.pk).first()
            item = Item.objects.select_for_update().filter(pk=item.pk).first()
            if item is None or not item.active:
                raise LendingError(gettext("这件物品现在不外借了。"))
            mine = cls.objects.live().filter(borrower=by)
            if mine.filter(item=item).exists():
                raise LendingError(gettext("您已经申请或借用了这件物品，不用重复申请。"))
            if mine.count() >= MAX_LIVE_LOANS:
                raise LendingError(
                    gettext("您已经申请或借用了 %(n)d 件物品，请先归还一件再借。") % {"n": MAX_LIVE_LOANS}
                )
            if item.counted()["available"] < 1:
                raise LendingError(gettext("这件物品刚刚借完了，过几天再来看看吧。"))
            loan = cls.objects.create(item=item, borrower=by, note=note.strip(), status=LoanStatus.REQUESTED)
            loan.record_transition("", LoanStatus.REQUESTED, by=by)
        return loan

    def hand_over(self, *, by, due_on):
        """Staff hand the item to the borrower and set when it comes back; she is told the date."""
        problem = due_date_problem(due_on)
        if problem:
            raise LendingError(problem)
        with transaction.atomic():
            self.lock()
            self.require(LoanStatus.REQUESTED)
            self.due_on = due_on
            self.handed_over_at = timezone.now()
            self.handed_over_by = by
            self.move(
                LoanStatus.HANDED_OVER,
                by=by,
                note=gettext("归还日期 %(day)s") % {"day": due_on.isoformat()},
                fields=["due_on", "handed_over_at", "handed_over_by"],
            )
            self._notify_borrower(
                gettext("您借用的“%(item)s”已借出，请在%(day)s前归还。")
                % {"item": self.item.name, "day": day_text(due_on)},
                body=gettext("归还地点：%(place)s") % {"place": self.item.collect_at},
            )

    def record_return(self, *, by, note=""):
        """Staff record that the item came back: the unit is available again."""
        with transaction.atomic():
            self.lock()
            self.require(LoanStatus.HANDED_OVER)
            self.returned_at = timezone.now()
            self.returned_by = by
            self.move(LoanStatus.RETURNED, by=by, note=note.strip(), fields=["returned_at", "returned_by"])
            self._notify_borrower(gettext("您借用的“%(item)s”已归还，谢谢！") % {"item": self.item.name})

    def decline(self, *, by, reason):
        """Staff cannot lend it after all (broken, the resident did not come …); the borrower sees why."""
        if not reason.strip():
            raise LendingError(gettext("请写明不能借出的原因，居民会看到。"))
        with transaction.atomic():
            self.lock()
            self.require(LoanStatus.REQUESTED, message=gettext("只有还没借出的申请可以婉拒。"))
            self.reply = reason.strip()
            self.move(LoanStatus.DECLINED, by=by, note=self.reply, fields=["reply"])
            self._notify_borrower(
                gettext("您申请借用的“%(item)s”这次没能借出") % {"item": self.item.name},
                body=gettext("原因：%(reason)s") % {"reason": self.reply},
            )

    def cancel(self, *, by):
        """The borrower no longer needs it before collecting it: the unit is free again."""
        with transaction.atomic():
            self.lock()
            if self.borrower_id != by.pk:
                raise LendingError(gettext("只有申请人可以取消这次借用。"))
            self.require(LoanStatus.REQUESTED, message=gettext("已经借出的物品不能取消，请按时归还。"))
            self.move(LoanStatus.CANCELLED, by=by)

    def remind(self, *, now, overdue):
        """Send the day-before reminder (or, ``overdue``, the overdue one) once; False if not due any more."""
        sent_field = "overdue_reminder_sent_at" if overdue else "due_reminder_sent_at"
        with transaction.atomic():
            self.lock()
            if self.status != LoanStatus.HANDED_OVER or getattr(self, sent_field) is not None:
                return False
            setattr(self, sent_field, now)
            self.save(update_fields=[sent_field])
            values = {"item": self.item.name, "day": day_text(self.due_on), "place": self.item.collect_at}
            if overdue:
                self._notify_borrower(
                    gettext("您借用的“%(item)s”已超过归还日期（%(day)s），请尽快归还。") % values,
                    body=gettext("归还地点：%(place)s。有困难请联系社区，工作人员会帮您想办法。") % values,
                )
            else:
                self._notify_borrower(
                    gettext("提醒：您借用的“%(item)s”明天（%(day)s）到期。") % values,
                    body=gettext("请明天送回%(place)s。") % values,
                )
        return True


class LoanTransition(Transition, ShownModel):
    """One step of a loan (shown to the borrower and staff as its timeline)."""

    page_sections = (SECTION,)

    loan = models.ForeignKey(Loan, verbose_name=_("借用"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("原状态"), max_length=12, choices=LoanStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=LoanStatus.choices)

    class Meta(Transition.Meta):
        verbose_name = _("借用进展")
        verbose_name_plural = _("借用进展")
        indexes = [models.Index(fields=["loan", "created"], name="loantransition_loan")]


def send_reminders(now=None):
    """Remind borrowers, once each: the day before the due date, and on the first day a loan is overdue.

    After that, an overdue loan stays on the staff's queue (逾期未还的百宝箱物品) until it comes back: staff follow
    it up in person; the portal does not repeat itself. A borrower without email who does not open her
    messages joins the staff call list (待电话通知) like every other notification. Returns (day-before, overdue).
    """
    now = now or timezone.now()
    if timezone.localtime(now).hour < REMINDERS_FROM_HOUR:
        return 0, 0
    today = timezone.localdate(now)
    due = sum(
        loan.remind(now=now, overdue=False)
        for loan in Loan.objects.due_tomorrow(today).filter(due_reminder_sent_at__isnull=True)
    )
    late = sum(
        loan.remind(now=now, overdue=True)
        for loan in Loan.objects.overdue(today).filter(overdue_reminder_sent_at__isnull=True)
    )
    return due, late
