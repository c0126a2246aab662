"""十五分钟便民服务圈: the places within a short walk, their opening hours and closures, and residents' reports of
a wrong entry.

Staff keep the directory in the admin: a place's category, address, phone, position (community/coordinates.py),
accessibility, weekly opening hours and dated closures. When a place is open is answered in one place
(places/hours.py), how far it is in another (places/walking.py). A resident who finds an entry wrong reports it;
staff correct the place and mark the report handled, and the resident is told.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community import audit
from community.coordinates import LATITUDE_HELP, LONGITUDE_HELP, validate_latitude, validate_longitude
from community.lifecycle import NotAllowed
from community.notifications import notify
from community.sections import ShownModel, ShownQuerySet

SECTION = "places"
# Reports are on no public page; their section moves the count waiting on staff's 我的.
REPORTS_SECTION = "place_reports"


class PlaceError(NotAllowed):
    """A move the directory's rules do not allow; the message is for the person who tried it."""


class Category(models.TextChoices):
    """What kind of place; the order is the directory's order, and each has its colour on the map (places.css)."""

    CLINIC = "clinic", _("诊所")
    PHARMACY = "pharmacy", _("药店")
    MARKET = "market", _("菜场超市")
    CANTEEN = "canteen", _("老年食堂")
    BARBER = "barber", _("理发")
    REPAIR = "repair", _("维修")
    BANK = "bank", _("银行")
    POST = "post", _("邮局")
    SCHOOL = "school", _("学校")
    WORKSTATION = "workstation", _("志愿服务工作室")
    POLICE = "police", _("警务室")


phone_number = RegexValidator(
    r"^[0-9][0-9 \-]{4,18}[0-9]$", _("电话号码只能包含数字、空格和“-”，例如 0714-6201234 或 13812345678。")
)


class PlaceQuerySet(ShownQuerySet):
    def shown(self):
        """Places the directory lists: those staff have not taken off it."""
        return self.filter(shown=True)


class Place(ShownModel):
    """A place residents go to for everyday needs, within a short walk of the community."""

    page_sections = (SECTION,)

    name = models.CharField(_("名称"), max_length=40, unique=True, help_text=_("招牌上的名字，例如“康宁诊所”。"))
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    services = models.CharField(
        _("主要服务"),
        max_length=100,
        blank=True,
        help_text=_("一句话说明能办什么，例如“看常见病、量血压、打针输液”。"),
    )
    address = models.CharField(_("地址"), max_length=60, help_text=_("居民能找到的说法，例如“团结巷12号（3栋对面）”。"))
    phone = models.CharField(
        _("电话"),
        max_length=20,
        blank=True,
        validators=[phone_number],
        help_text=_("店里或单位的电话，居民在手机上点一下就能拨打。例如 0714-6201234。"),
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=8, decimal_places=6, validators=[validate_latitude], help_text=LATITUDE_HELP
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, validators=[validate_longitude], help_text=LONGITUDE_HELP
    )
    step_free = models.BooleanField(
        _("无台阶"), default=False, help_text=_("从街上进门不用上台阶（平地或有坡道），坐轮椅、推助行车能进。")
    )
    accessible_toilet = models.BooleanField(
        _("无障碍厕所"), default=False, help_text=_("有坐便、扶手、轮椅能进的厕所，顾客可以用。")
    )
    accessibility_note = models.CharField(
        _("无障碍说明"),
        max_length=100,
        blank=True,
        help_text=_("其他要说明的，例如“门口三级台阶，有扶手”“可以请店员上门服务”。"),
    )
    shown = models.BooleanField(
        _("在目录中显示"), default=True, help_text=_("搬走或关门了的地方取消勾选，记录会保留。")
    )
    updated = models.DateTimeField(_("信息更新时间"), auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("便民服务点")
        verbose_name_plural = _("便民服务点")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("places:detail", kwargs={"pk": self.pk})

    @property
    def position(self):
        return (self.latitude, self.longitude)

    @property
    def phone_digits(self):
        """The number as a ``tel:`` link dials it: digits only."""
        return "".join(character for character in self.phone if character.isdigit())


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("周一")
    TUESDAY = 1, _("周二")
    WEDNESDAY = 2, _("周三")
    THURSDAY = 3, _("周四")
    FRIDAY = 4, _("周五")
    SATURDAY = 5, _("周六")
    SUNDAY = 6, _("周日")


class OpeningHours(ShownModel):
    """One opening of a place on one weekday. Several on a day make a lunch break (8:00–12:00 and 14:30–17:30).

    A closing time at or before the opening time is on the next day: 18:00–02:00 is open past midnight, and
    00:00–00:00 is the whole day (24 小时). A day without a row is a day off.
    """

    page_sections = (SECTION,)

    place = models.ForeignKey(Place, verbose_name=_("地点"), on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    opens = models.TimeField(_("开门"), help_text=_("例如 8:00。"))
    closes = models.TimeField(
        _("关门"),
        help_text=_(
            "例如 17:30。营业到半夜以后的，填第二天的关门时间（如 2:00）；24 小时营业填 0:00 开门、0:00 关门。"
        ),
    )

    class Meta:
        verbose_name = _("营业时间")
        verbose_name_plural = _("营业时间")
        ordering = ["weekday", "opens"]
        indexes = [models.Index(fields=["place", "weekday"], name="openinghours_place")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosureQuerySet(ShownQuerySet):
    def not_over(self, day):
        """Closures that have not ended before ``day``."""
        return self.filter(last_day__gte=day)


class Closure(ShownModel):
    """Days a place is closed although its weekly hours say open: holidays, stocktaking, repairs.

    The openings that begin on those days are cancelled; one that began the evening before and runs past
    midnight (18:00–02:00) still ends as usual.
    """

    page_sections = (SECTION,)

    place = models.ForeignKey(Place, verbose_name=_("地点"), on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField(_("从"), help_text=_("第一天不营业的日期。"))
    last_day = models.DateField(_("到"), help_text=_("最后一天不营业的日期；只休一天就和“从”填同一天。"))
    reason = models.CharField(_("原因"), max_length=30, help_text=_("居民会看到，例如“春节休息”“店内装修”。"))

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("停业日期")
        verbose_name_plural = _("停业日期")
        ordering = ["first_day"]
        constraints = [models.CheckConstraint(condition=Q(first_day__lte=F("last_day")), name="closure_days_in_order")]

    def __str__(self):
        return f"{self.first_day}–{self.last_day} {self.reason}"


class PlaceReportQuerySet(ShownQuerySet):
    def waiting(self):
        """Reports no one has handled yet, oldest first."""
        return self.filter(status=PlaceReport.Status.OPEN).order_by("created", "id")


class PlaceReport(ShownModel):
    """A resident's note that a directory entry is wrong (a new phone number, a shop that moved, other hours).

    Staff correct the place in the admin and mark the report handled (``mark_handled``); the resident is told.
    """

    page_sections = (REPORTS_SECTION,)

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        HANDLED = "handled", _("已处理")

    place = models.ForeignKey(Place, verbose_name=_("地点"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="place_reports",
    )
    note = models.TextField(_("哪里不对"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(_("报告时间"), auto_now_add=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply = models.CharField(_("答复"), max_length=200, blank=True, help_text=_("报告人会收到这句话。"))

    objects = PlaceReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("便民服务点报错")
        verbose_name_plural = _("便民服务点报错")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"], name="placereport_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", handled_at__isnull=True) | Q(status="handled", handled_at__isnull=False),
                name="placereport_handled_has_time",
            )
        ]

    def __str__(self):
        return f"{self.place} · {self.note[:20]}"

    @classmethod
    def submit(cls, *, place, by, note):
        """A signed-in resident reports that ``place``'s entry is wrong; it waits on the 我的 of staff who edit
        the directory."""
        return cls.objects.create(place=place, reporter=by, note=note)

    def mark_handled(self, *, by, reply=""):
        """Staff corrected the entry (or found it right): the report is done and its reporter is told.

        Settled by the database: of two staff handling it at once, one changes the row and the other is told
        it was handled already.
        """
        with transaction.atomic():
            now = timezone.now()
            handled = PlaceReport.objects.filter(pk=self.pk, status=self.Status.OPEN).update(
                status=self.Status.HANDLED, handled_at=now, handled_by=by, reply=reply
            )
            if not handled:
                raise PlaceError(gettext("这条报错已经处理过了。"))
            self.status, self.handled_at, self.handled_by, self.reply = self.Status.HANDLED, now, by, reply
            audit.record(actor=by, action="placereport.handled", target=self, note=reply)
            notify(
                self.reporter,
                gettext("您反映的“%(place)s”的信息已处理，谢谢！") % {"place": self.place.name},
                url=self.place.get_absolute_url(),
                body=reply,
            )
