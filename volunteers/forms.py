"""Volunteer forms: applications, appointments, join requests, hour adjustments. Messages in Chinese."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.forms import PhoneInput, clean_display_name
from community.privacy import is_mainland_mobile, normalize_phone
from volunteers.models import Team


def clean_mobile(value, *, required=True):
    phone = normalize_phone(value or "")
    if not phone and not required:
        return ""
    if not is_mainland_mobile(phone):
        raise forms.ValidationError(_("手机号格式不正确，请输入11位中国大陆手机号，例如 13812345678。"))
    return phone


class ApplicationForm(forms.Form):
    """Applying to volunteer: who, how to reach them, what they can do, which teams."""

    real_name = forms.CharField(
        label=_("真实姓名"), max_length=20, help_text=_("用于记录服务时长，只有工作人员能看到全名。")
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        help_text=_("只有社区工作人员和您所在服务队的队长能看到。"),
        widget=PhoneInput(),
    )
    skills = forms.CharField(
        label=_("特长（选填）"), max_length=200, required=False, help_text=_("例如：理发、修家电、会开车、懂法律。")
    )
    availability = forms.CharField(
        label=_("有空的时间（选填）"), max_length=100, required=False, help_text=_("例如：周末上午、工作日晚上。")
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("想加入的服务队（可多选）"),
        queryset=Team.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accept_terms = forms.BooleanField(
        label=_("我已阅读并同意《志愿者守则》"),
        error_messages={"required": _("请阅读并勾选同意《志愿者守则》。")},
    )

    def clean_real_name(self):
        return clean_display_name(self.cleaned_data["real_name"])

    def clean_phone(self):
        return clean_mobile(self.cleaned_data["phone"])


class AppointmentForm(forms.Form):
    """Asking to visit a workstation: a day and a time window inside its opening hours."""

    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("从"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("到"), widget=forms.TimeInput(attrs={"type": "time"}))
    topic = forms.CharField(label=_("想谈的事"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=20,
        required=False,
        help_text=_("只有工作室负责人和工作人员能看到。"),
        widget=PhoneInput(),
    )

    def __init__(self, *args, workstation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workstation = workstation

    def clean_phone(self):
        return clean_mobile(self.cleaned_data["phone"], required=False)

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if not (day and start and end):
            return data
        if start >= end:
            self.add_error("end", _("结束时间要晚于开始时间。"))
            return data
        begins = timezone.make_aware(datetime.combine(day, start))
        if begins <= timezone.now():
            self.add_error("day", _("不能预约过去的时间，请选择今天以后的时间。"))
        elif self.workstation is not None and not self.workstation.is_open(day, start, end):
            self.add_error("start", _("这个时间工作室不开放，请对照下面的开放时间选择。"))
        return data


class ProposeForm(forms.Form):
    day = forms.DateField(label=_("新日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("从"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("到"), widget=forms.TimeInput(attrs={"type": "time"}))
    reply = forms.CharField(label=_("说明（选填）"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error("end", _("结束时间要晚于开始时间。"))
        if data.get("day") and data["day"] < timezone.localdate():
            self.add_error("day", _("不能选择过去的日期。"))
        return data


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class AdjustHoursForm(forms.Form):
    hours = forms.DecimalField(label=_("应计时长（小时）"), min_value=0, max_value=24, decimal_places=2)
    reason = forms.CharField(label=_("调整原因"), max_length=200)


class PhoneSignUpForm(forms.Form):
    """Staff or the host sign up a resident who phoned: her name and mobile (her account is found by the number)."""

    contact_name = forms.CharField(label=_("姓名"), max_length=20)
    contact_phone = forms.CharField(
        label=_("手机号"), max_length=20, widget=PhoneInput(), help_text=_("已注册的居民会按手机号关联到账号。")
    )

    def clean_contact_name(self):
        return clean_display_name(self.cleaned_data["contact_name"])

    def clean_contact_phone(self):
        return clean_mobile(self.cleaned_data["contact_phone"])


class CheckInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=6,
        min_length=6,
        help_text=_("报名人手机上或打印出来的6位数字。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{6}"}),
        error_messages={"min_length": _("签到码是6位数字。"), "max_length": _("签到码是6位数字。")},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("签到码是6位数字。"))
        return code


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("打分"),
        coerce=int,
        choices=[(n, _("%(n)s 星") % {"n": n}) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择几颗星。"), "invalid_choice": _("请选择1到5颗星。")},
    )
    comment = forms.CharField(
        label=_("说几句（选填）"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
