"""Forms of the party app, each part in a section of its own (members, 双报到, party days). Messages in Chinese."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.forms import PhotoField
from community.models import PartyBranch
from party.models import PartyDay, first_saturday

# --- Party members: declaration, confirmation, the badge -------------------------------------------

# The earliest joined year a living member can have (the party was founded in 1921).
FIRST_JOINED_YEAR = 1921


class MembershipForm(forms.Form):
    """The member's own declaration: organisation, optional grid branch, joined year, and the separate consent."""

    organisation = forms.CharField(
        label=_("组织关系所在党组织"),
        max_length=60,
        help_text=_("例如“第一网格党支部”“市委党校机关党支部”。"),
        error_messages={
            "required": _("请填写组织关系所在的党组织。"),
            "max_length": _("党组织名称最多 %(limit_value)d 个字。"),
        },
    )
    branch = forms.ModelChoiceField(
        label=_("所在网格党支部（选填）"),
        queryset=PartyBranch.objects.all(),
        required=False,
        empty_label=_("不在本社区网格党支部（例如在职党员）"),
        help_text=_("组织关系在本社区网格党支部的请选择，支部书记会帮您确认。"),
        error_messages={"invalid_choice": _("请从列表中选择网格党支部。")},
    )
    joined_year = forms.IntegerField(
        label=_("入党年份"),
        help_text=_("四位数字，例如 1985。"),
        error_messages={"required": _("请填写入党年份。"), "invalid": _("入党年份请填写四位数字，例如 1985。")},
    )
    consent = forms.BooleanField(
        label=_(
            "我同意社区处理我的党员身份信息，用于确认党员身份、认领微心愿和参加党组织活动。"
            "申报内容只有我所在支部的书记和负责党务的社区工作人员能看到；"
            "公开页面只在我选择“亮身份”时显示“党员”标识。我可以随时撤回申报，撤回后信息即删除。"
        ),
        required=False,
    )

    def clean_joined_year(self):
        year = self.cleaned_data["joined_year"]
        if not FIRST_JOINED_YEAR <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("入党年份应在 %(first)d 年到今年之间。") % {"first": FIRST_JOINED_YEAR})
        return year

    def clean_consent(self):
        if not self.cleaned_data.get("consent"):
            raise forms.ValidationError(_("党员身份属于敏感个人信息，需要您单独勾选同意后才能申报；没有保存任何信息。"))
        return True


class RejectMembershipForm(forms.Form):
    reason = forms.CharField(
        label=_("不予确认的原因"),
        max_length=200,
        help_text=_("申报人会看到，例如“支部没有这位党员的组织关系，请核对所在党组织”。"),
        error_messages={
            "required": _("请写明不予确认的原因，申报人会看到。"),
            "max_length": _("原因最多 %(limit_value)d 个字。"),
        },
    )


class BadgeForm(forms.Form):
    """亮身份 on or off."""

    shown = forms.TypedChoiceField(
        choices=[("1", _("亮身份")), ("0", _("不亮身份"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("请选择是否亮身份。"), "invalid_choice": _("请选择是否亮身份。")},
    )


# --- Party days (主题党日) -----------------------------------------------------------------------------------------


def suggested_party_day(today=None):
    """The first Saturday of this month if it is still ahead, else of next month."""
    today = today or timezone.localdate()
    day = first_saturday(today.year, today.month)
    if day <= today:
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        day = first_saturday(year, month)
    return day


class PartyDayForm(forms.Form):
    """Planning a party day: when, the theme, the month's priority, where, how many, until when sign-ups run."""

    day = forms.DateField(
        label=_("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("按惯例是每月第一个星期六。"),
    )
    start = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    theme = forms.CharField(label=_("主题"), max_length=40, help_text=_("例如“垃圾分类我先行”。"))
    priority = forms.ChoiceField(label=_("结合的重点工作"), choices=PartyDay.Priority.choices)
    place = forms.CharField(label=_("地点"), max_length=100, help_text=_("例如“社区党群服务中心二楼会议室”。"))
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=500, help_text=_("最多多少人参加。"))
    deadline_day = forms.DateField(
        label=_("报名截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("截止当天 18:00 后不能再报名。"),
    )
    description = forms.CharField(
        label=_("活动安排（选填）"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    DEADLINE_TIME = time(18, 0)

    @classmethod
    def suggested(cls, today=None):
        day = suggested_party_day(today)
        return {
            "day": day,
            "start": time(9, 0),
            "end": time(11, 0),
            "capacity": 30,
            "deadline_day": day - timedelta(days=1),
        }

    def clean(self):
        cleaned = super().clean()
        day, start, end, deadline_day = (cleaned.get(k) for k in ("day", "start", "end", "deadline_day"))
        if start and end and end <= start:
            self.add_error("end", _("结束时间要晚于开始时间。"))
        if day and day <= timezone.localdate():
            self.add_error("day", _("请选今天以后的日期。"))
        if day and deadline_day and deadline_day > day:
            self.add_error("deadline_day", _("报名截止不能晚于活动当天。"))
        if deadline_day and deadline_day < timezone.localdate():
            self.add_error("deadline_day", _("报名截止日期已经过了。"))
        if day and deadline_day and deadline_day == day and start and start <= self.DEADLINE_TIME:
            self.add_error("deadline_day", _("活动当天 18:00 之前开始的，报名最晚截止到前一天。"))
        return cleaned

    @property
    def signup_deadline(self):
        return timezone.make_aware(datetime.combine(self.cleaned_data["deadline_day"], self.DEADLINE_TIME))


class PartyDaySummaryForm(forms.Form):
    """After the day: what was done and said, with up to three photos (more can be added later)."""

    summary = forms.CharField(
        label=_("活动总结"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("做了什么、谁参加、有什么成果。会作为新闻稿的正文，请不要写居民的电话和门牌号。"),
    )
    photo_1 = PhotoField(label=_("照片一（选填）"), required=False)
    photo_2 = PhotoField(label=_("照片二（选填）"), required=False)
    photo_3 = PhotoField(label=_("照片三（选填）"), required=False)

    def photos(self):
        return [self.cleaned_data[name] for name in ("photo_1", "photo_2", "photo_3") if self.cleaned_data.get(name)]
