"""Forms for problem reports, whistles, report-ins, updates and ratings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import BuildingChoiceField, PhoneInput, PhotoField, clean_display_name
from community.images import check_upload
from community.models import Building
from community.privacy import is_mainland_mobile, normalize_phone
from volunteers.models import PartnerUnit, Team
from whistles.models import Category, ProblemReport, Rating, WhistleCall

MAX_PHOTOS = 3


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos in one field, each checked like any other photo."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("最多 3 张，JPG、PNG 或 WebP 格式，每张不超过 5 MB。"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 3 张照片，您选了 %(n)d 张。") % {"n": len(files)})
        for upload in files:
            check_upload(upload)
        return files


class ReportForm(forms.ModelForm):
    """随手拍: what, where, photos; a phone number only if the resident wants to be called back."""

    building = BuildingChoiceField(
        label=_("在哪栋楼附近"), queryset=Building.objects.select_related("grid"), empty_label=_("请选择楼栋")
    )
    photos = PhotosField(label=_("照片"))

    class Meta:
        model = ProblemReport
        fields = ["category", "description", "building", "spot", "contact_phone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "contact_phone": PhoneInput()}
        labels = {"description": _("问题描述")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择类别")), *Category.choices]

    def clean_contact_phone(self):
        phone = normalize_phone(self.cleaned_data["contact_phone"])
        if phone and not is_mainland_mobile(phone):
            raise forms.ValidationError(_("手机号格式不正确，请输入11位中国大陆手机号。"))
        return phone

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("photos") and not data.get("description", "").strip():
            raise forms.ValidationError(_("请拍张照片或写几句描述，说明是什么问题。"))
        return data


class OnBehalfReportForm(ReportForm):
    """Staff enter a report for a resident who phoned or came by (代录)."""

    resident_name = forms.CharField(
        label=_("居民称呼"), max_length=20, help_text=_("例如“王秀英”。只有工作人员能看到。")
    )

    class Meta(ReportForm.Meta):
        fields = ["resident_name", *ReportForm.Meta.fields]
        labels = {**ReportForm.Meta.labels, "contact_phone": _("居民的联系电话（选填）")}

    def clean_resident_name(self):
        return clean_display_name(self.cleaned_data["resident_name"])


class WithdrawCallForm(forms.Form):
    call = forms.ModelChoiceField(label=_("撤回对哪个单位的呼叫"), queryset=WhistleCall.objects.none())
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=200,
        help_text=_("例如“三次联系未响应，改由其他单位处理”。会公开显示，单位也会收到。"),
    )

    def __init__(self, *args, whistle=None, **kwargs):
        super().__init__(*args, **kwargs)
        if whistle is not None:
            self.fields["call"].queryset = whistle.calls.filter(status__in=WhistleCall.WAITING_STATUSES).select_related(
                "unit", "team"
            )
        self.fields["call"].label_from_instance = lambda call: call.caller_name


class CallMoreForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("再呼叫共建单位"),
        queryset=PartnerUnit.objects.approved(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("再呼叫志愿服务队"), queryset=Team.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    report_in_hours = forms.IntegerField(label=_("报到期限（小时）"), min_value=1, max_value=168, initial=24)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("units") and not data.get("teams"):
            raise forms.ValidationError(_("请至少选择一个共建单位或服务队。"))
        return data


class WhistleForm(forms.Form):
    """Staff blow the whistle: what, where, whom, by when."""

    title = forms.CharField(label=_("要解决的问题"), max_length=60)
    description = forms.CharField(label=_("需要做什么"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    building = BuildingChoiceField(label=_("楼栋"), queryset=Building.objects.select_related("grid"))
    spot = forms.CharField(label=_("具体位置"), max_length=100, required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("呼叫共建单位"),
        queryset=PartnerUnit.objects.approved(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("呼叫志愿服务队"), queryset=Team.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    report_in_hours = forms.IntegerField(label=_("报到期限（小时）"), min_value=1, max_value=168, initial=24)
    resolve_days = forms.IntegerField(label=_("解决期限（天）"), min_value=1, max_value=90, initial=7)
    reports = forms.ModelMultipleChoiceField(
        queryset=ProblemReport.objects.filter(status=ProblemReport.Status.SUBMITTED),
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("units") and not data.get("teams"):
            raise forms.ValidationError(_("请至少呼叫一个共建单位或服务队。"))
        if (
            data.get("resolve_days")
            and data.get("report_in_hours")
            and data["report_in_hours"] > data["resolve_days"] * 24
        ):
            self.add_error("report_in_hours", _("报到期限不能晚于解决期限。"))
        return data


class ReportInForm(forms.Form):
    people = forms.IntegerField(label=_("出动人数"), min_value=1, max_value=500, initial=2)
    note = forms.CharField(
        label=_("说明（选填）"), max_length=300, required=False, help_text=_("例如“明天上午9点到场”。")
    )


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("进展"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField(label=_("照片（选填）"))


class DoneForm(forms.Form):
    note = forms.CharField(label=_("完成情况（选填）"), max_length=300, required=False)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("处理结果"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    before_photo = PhotoField(label=_("处理前照片（选填）"), required=False)
    after_photo = PhotoField(label=_("处理后照片（选填）"), required=False)


class RatingForm(forms.Form):
    score = forms.ChoiceField(label=_("您对处理结果满意吗？"), choices=Rating.Score.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见（选填）"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("给居民的答复"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("合并到"), queryset=ProblemReport.objects.none())

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["target"].queryset = (
                ProblemReport.objects.exclude(pk=report.pk)
                .filter(building__grid=report.building.grid_id)
                .exclude(status=ProblemReport.Status.MERGED)
                .select_related("building")
            )


class HandForm(forms.Form):
    team = forms.ModelChoiceField(label=_("交给哪个服务队"), queryset=Team.objects.active())
    title = forms.CharField(label=_("活动名称"), max_length=60)
    starts_at = forms.DateTimeField(label=_("活动时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class HideForm(forms.Form):
    reason = forms.CharField(label=_("隐藏原因"), max_length=200)
