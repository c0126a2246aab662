"""双报到 (in-service members report to the community, choose service posts, get a yearly feedback sheet) and
the grid branches' monthly party day (主题党日).

Party membership itself and the grid branches live on the ground floor (community.models: PartyMembership,
PartyBranch), since every app shows the 党员 badge; a party day is an ``Activity`` hosted by a branch, with the
same sign-up, waiting list and check-in as every other event, and this app adds what only a party day has.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.models import Image, User
from community.sections import ShownModel
from news.models import Article
from volunteers.models import Activity, PartnerUnit

SECTION = "party"


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

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["unit__name", "registered_at"]
        permissions = [("review_inservicemember", _("可审核在职党员和单位报到，打印反馈表"))]

    def __str__(self):
        return f"{self.unit} · {self.person.public_name}"


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

    class Meta:
        verbose_name = _("主题党日")
        verbose_name_plural = _("主题党日")
        ordering = ["-activity__starts_at"]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return reverse("volunteers:activity", kwargs={"pk": self.activity_id})
