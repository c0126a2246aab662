"""Forms for wishes: every input checked here, with Chinese messages next to the field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.forms import BuildingChoiceField, PhoneInput, PhotoField, clean_display_name
from community.models import Building, User
from community.privacy import canonical_login, is_mainland_mobile, normalize_phone
from volunteers.models import PartnerUnit
from wishes.models import ClaimOptions, Wish


class WishForm(forms.ModelForm):
    """What a resident fills in to post a wish (and edits while it waits for review)."""

    building = BuildingChoiceField(
        label=_("住在哪栋楼"),
        queryset=Building.objects.select_related("grid"),
        empty_label=_("请选择楼栋"),
        help_text=_("公开显示的只有楼栋，门牌号写在下面的地址里，只给认领人和工作人员看。"),
    )
    photo_upload = PhotoField(label=_("照片（选填）"), required=False)
    health_consent = forms.BooleanField(
        label=_("我同意提供与本心愿有关的健康信息，用于安排帮助"),
        required=False,
        help_text=_("医疗健康类心愿会涉及健康状况，属于敏感个人信息，需要您单独同意。请只写帮忙所需的内容。"),
    )
    confirm_despite_similar = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Wish
        fields = ["title", "category", "description", "needed_by", "building", "contact_phone", "contact_address"]
        widgets = {
            "needed_by": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "contact_phone": PhoneInput(),
        }
        labels = {
            "title": _("您的心愿（一句话）"),
            "contact_phone": _("联系电话"),
            "contact_address": _("详细地址（门牌号）"),
        }
        help_texts = {
            "contact_phone": _("只给认领人和社区工作人员看，不会公开。"),
            "contact_address": _("例如“团结巷3栋2单元401”。只给认领人和工作人员看。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择类别")), *Wish.Category.choices]
        self.fields["contact_phone"].required = True
        self.fields["contact_address"].required = True
        self.similar = []

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 4:
            raise forms.ValidationError(_("请用一句话说清楚心愿，至少 4 个字。"))
        return title

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("请再多写几句：需要什么、什么时候方便，至少 10 个字。"))
        return text

    def clean_needed_by(self):
        day = self.cleaned_data["needed_by"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("日期不能早于今天。"))
        if (day - timezone.localdate()).days > 180:
            raise forms.ValidationError(_("请选半年以内的日期。"))
        return day

    def clean_contact_phone(self):
        phone = normalize_phone(self.cleaned_data["contact_phone"])
        landline = phone.startswith("0") and phone.isdigit() and 10 <= len(phone) <= 12
        if not (is_mainland_mobile(phone) or landline):
            raise forms.ValidationError(
                _("电话号码格式不正确，请填写11位手机号，或带区号的座机号（如 0714-6200000）。")
            )
        return phone

    def clean(self):
        data = super().clean()
        if data.get("category") == Wish.Category.HEALTH and not data.get("health_consent"):
            self.add_error("health_consent", _("医疗健康类心愿需要您勾选同意提供健康信息。"))
        if not self.errors and not data.get("confirm_despite_similar") and not self.instance.pk:
            self.similar = list(
                Wish.objects.similar_to(
                    title=data["title"],
                    description=data["description"],
                    building=data["building"],
                    category=data["category"],
                )
            )
            if self.similar:
                raise forms.ValidationError(
                    _("同一栋楼已经有相似的心愿，请先看看下面这些；如果不一样，请点“仍然提交”。"), code="similar"
                )
        return data

    def wish_fields(self):
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["health_consent"] = self.cleaned_data.get("health_consent", False)
        return data


class OnBehalfWishForm(WishForm):
    """Staff enter a wish for a resident without an account or smartphone (代录)."""

    resident_name = forms.CharField(
        label=_("居民称呼"), max_length=20, help_text=_("例如“王秀英”。公开时只显示“王**”。")
    )
    consent_note = forms.CharField(
        label=_("居民同意情况"),
        max_length=200,
        help_text=_("记下居民如何同意由您代为登记和公开心愿，例如“11月26日电话中同意”。"),
    )

    class Meta(WishForm.Meta):
        fields = ["resident_name", *WishForm.Meta.fields, "consent_note"]

    def clean_resident_name(self):
        return clean_display_name(self.cleaned_data["resident_name"])

    def wish_fields(self):
        data = super().wish_fields()
        data["resident_name"] = self.cleaned_data["resident_name"]
        data["consent_note"] = self.cleaned_data["consent_note"]
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class FulfilForm(forms.Form):
    note = forms.CharField(
        label=_("实现情况（选填）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如“已把米和油送到家里”。会公开显示。"),
    )
    photo = PhotoField(label=_("照片（选填）"), required=False)


class ConfirmForm(forms.Form):
    thanks = forms.CharField(
        label=_("想对帮助您的人说（选填）"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("会公开显示在心愿墙上。"),
    )


class NotResolvedForm(forms.Form):
    note = forms.CharField(
        label=_("哪里还没有解决"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如“米送到了，油还没有送”。认领人和社区工作人员会看到。"),
        error_messages={"required": _("请写一写哪里还没有解决，认领人才知道怎么帮。")},
    )


class ClaimForm(forms.Form):
    """Whom a claim is for: oneself (a volunteer or a party member) or a partner unit one belongs to
    (``ClaimOptions``)."""

    unit = forms.ModelChoiceField(label=_("代表"), queryset=None, required=False, empty_label=_("我自己"))

    def __init__(self, *args, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options = options or ClaimOptions()
        self.may_claim = options.any
        self.fields["unit"].queryset = PartnerUnit.objects.filter(pk__in=[unit.pk for unit in options.units])
        self.fields["unit"].error_messages["invalid_choice"] = _("您不是这个共建单位的成员，不能代表它认领。")
        if not options.as_person:
            self.fields["unit"].empty_label = None
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = (
                _("请选择代表哪个共建单位认领。")
                if options.units
                else _("只有审核通过的志愿者、确认过身份的党员或共建单位的成员才能认领心愿。")
            )


class AttachForm(forms.Form):
    username = forms.CharField(label=_("居民的登录名（手机号或用户名）"), max_length=40)

    def clean_username(self):
        login = canonical_login(self.cleaned_data["username"])
        user = User.objects.filter(username__iexact=login, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("找不到这个账号，请核对登录名。"))
        self.cleaned_data["resident"] = user
        return login


class WallFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("全部类别")), *Wish.Category.choices], required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), ("published", _("待认领")), ("claimed", _("已认领")), ("done", _("已实现"))],
        required=False,
    )
