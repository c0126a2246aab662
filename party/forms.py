"""Forms of the party app, each part in a section of its own (members, 双报到, party days). Messages in Chinese."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.forms import PhoneInput, PhotoField
from community.models import PartyBranch
from party.models import InServiceMember, PartyDay, ServicePost, first_saturday
from volunteers.forms import clean_mobile
from volunteers.models import PartnerUnit

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


# --- 双报到: in-service members and units report in; the yearly record and feedback sheet -----------------


class YearForm(forms.Form):
    """Which year a record or sheet shows (``?year=``); a bad value falls back to this year."""

    year = forms.IntegerField(label=_("年度"), min_value=2000)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("还没到这一年。"))
        return year

    @classmethod
    def year_of(cls, request):
        form = cls(request.GET)
        return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


def _post_choices():
    return forms.ModelMultipleChoiceField(
        label=_("认领的服务岗位（可多选）"),
        queryset=ServicePost.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("想在社区做什么，可以以后再改。"),
    )


class InServiceRegistrationForm(forms.ModelForm):
    """An in-service party member reports to the community: where he works, what he can do, when, which posts."""

    unit = forms.ModelChoiceField(
        label=_("工作单位"),
        queryset=PartnerUnit.objects.approved(),
        empty_label=_("请选择"),
        help_text=_("单位还没到社区报到的，请先让单位报到（或自己帮单位报到）。"),
        error_messages={"invalid_choice": _("请从列表里选择工作单位。")},
    )

    class Meta:
        model = InServiceMember
        fields = ["unit", "position", "skills", "availability"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"] = _post_choices()
        for name in ("position", "availability"):
            self.fields[name].error_messages["required"] = _("请填写%(label)s。") % {"label": self.fields[name].label}


class PostsForm(forms.Form):
    posts = forms.ModelMultipleChoiceField(
        label=_("认领的服务岗位（可多选）"),
        queryset=ServicePost.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("这个岗位已不再开放报名。"), "invalid_pk_value": _("请从列表里选择岗位。")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("未通过的原因"),
        max_length=200,
        error_messages={"required": _("请写明未通过的原因，报到人会看到。")},
    )


class UnitRegistrationForm(forms.ModelForm):
    """A unit (机关、企业、学校 …) reports to the community with its contact person."""

    class Meta:
        model = PartnerUnit
        fields = ["name", "kind", "description", "office_phone", "office_address", "contact_name", "contact_phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "contact_phone": PhoneInput()}
        help_texts = {
            "description": _("单位的情况，想和社区一起做什么。通过审核后公开显示。"),
            "contact_name": _("单位和社区对接的人，不公开。"),
            "contact_phone": _("联系人的手机号，只有社区工作人员能看到。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact_name", "contact_phone"):
            self.fields[name].required = True
        self.fields["name"].error_messages["unique"] = _("这个单位已经报到过了，请联系社区。")
        self.fields["name"].error_messages["required"] = _("请填写单位名称。")
        self.fields["contact_name"].error_messages["required"] = _("请填写联系人。")
        self.fields["contact_phone"].error_messages["required"] = _("请填写联系人手机号。")

    def clean_contact_phone(self):
        return clean_mobile(self.cleaned_data["contact_phone"])

    def validate_unique(self):
        # The unit's name is checked here (a clear message); the row is created by PartnerUnit.register.
        if PartnerUnit.objects.filter(name=self.cleaned_data.get("name", "")).exists():
            self.add_error("name", _("这个单位已经报到过了，请联系社区。"))


class FeedbackForm(forms.Form):
    evaluation = forms.CharField(
        label=_("社区评价"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("这一年在社区的表现，写给单位看；本人会先看到。"),
        error_messages={"required": _("请填写社区评价。")},
    )


class AcknowledgeForm(forms.Form):
    remark = forms.CharField(
        label=_("我的意见（选填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("会和评价一起打印给您的单位。"),
    )
