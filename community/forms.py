"""Account forms. Every message is in Chinese and sits next to its field."""

import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.images import check_upload
from community.models import Building
from community.privacy import canonical_login, is_mainland_mobile

User = get_user_model()

# User names: Chinese characters, letters, digits and underscores.
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
USERNAME_RE = re.compile(rf"^[A-Za-z0-9_{CJK}]{{2,20}}$")
# How neighbours know the person: Chinese characters, letters, spaces and the
# middle dot of transliterated names (e.g. 阿依古丽·买买提).
DISPLAY_NAME_RE = re.compile(rf"^[A-Za-z{CJK}·• ]{{1,20}}$")


class BuildingChoiceField(forms.ModelChoiceField):
    """A building chosen from the community's list, labelled with its grid (第一网格 · 团结巷3栋)."""

    def label_from_instance(self, building):
        return f"{building.grid.name} · {building.name}"


class PhoneInput(forms.TextInput):
    """A phone number box: phones open their number pad and offer the saved number."""

    input_type = "tel"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "tel", "autocomplete": "tel", **(attrs or {})})


def clean_login_name(value: str) -> str:
    """Validate a new login name: a mainland mobile number or a plain user name."""
    login = canonical_login(value)
    looks_like_number = bool(re.fullmatch(r"[+\d\s\-()]+", value.strip()))
    if looks_like_number:
        if not is_mainland_mobile(login):
            raise ValidationError(_("手机号格式不正确，请输入11位中国大陆手机号，例如 13812345678。"), code="phone")
        return login
    if not USERNAME_RE.match(login):
        raise ValidationError(
            _("用户名需为 2–20 个字符，只能包含汉字、字母、数字和下划线，不能含空格或表情符号。"), code="username"
        )
    return login


def clean_display_name(value: str) -> str:
    name = value.strip()
    if not DISPLAY_NAME_RE.match(name):
        raise ValidationError(_("称呼只能包含汉字、字母、空格和“·”，不能含数字、符号或表情符号。"), code="invalid")
    return name


class RegistrationForm(auth_forms.UserCreationForm):
    """Register with a user name or a mobile number, a display name and a password."""

    username = forms.CharField(
        label=_("手机号或用户名"),
        max_length=20,
        help_text=_("以后用它登录。手机号不会公开显示。"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    display_name = forms.CharField(
        label=_("称呼"),
        max_length=20,
        help_text=_("邻居们怎么称呼您，例如“王秀英”。公开页面只显示“王**”。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱（选填）"),
        required=False,
        max_length=254,
        help_text=_("用于找回密码和接收通知。没有邮箱也可以注册。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    accept_privacy = forms.BooleanField(
        label=_("我已阅读并同意《个人信息保护说明》"),
        required=True,
        error_messages={"required": _("请阅读并勾选同意《个人信息保护说明》后再注册。")},
    )

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")

    def clean_username(self):
        login = clean_login_name(self.cleaned_data["username"])
        if User._default_manager.filter(username__iexact=login).exists():
            if is_mainland_mobile(login):
                raise ValidationError(_("这个手机号已经注册过了，可以直接登录；忘记密码可以找回。"), code="taken")
            raise ValidationError(_("这个用户名已被别人使用，请换一个。"), code="taken")
        return login

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class LoginForm(auth_forms.AuthenticationForm):
    """Log in with a user name or a mobile number."""

    username = forms.CharField(
        label=_("手机号或用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("手机号/用户名或密码不正确，请重新输入。"),
        "inactive": _("这个账号已停用，请联系社区工作人员。"),
    }


class SecondFactorForm(forms.Form):
    """The second step: the six digits an authenticator app shows, or a recovery code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=40,
        help_text=_("打开手机上的验证器应用，输入它显示的6位数字；手机不在身边时，可以输入一个恢复码。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check
        self.device = None

    def clean_code(self):
        self.device = self.check(self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(_("验证码不正确或已过期，请看清验证器上当前的数字再输入一次。"))
        return self.cleaned_data["code"]


class ProfileForm(forms.ModelForm):
    """What a resident may change about themselves on “我的”."""

    class Meta:
        model = User
        fields = ("display_name", "email")
        labels = {"email": _("电子邮箱（选填）")}

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class PhotoField(forms.FileField):
    """A photo upload: checked by Pillow (format, size, pixels) in clean, stored on save.

    Browsers are told which files to offer; the server decides what it accepts.
    """

    widget = forms.ClearableFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("JPG、PNG 或 WebP 格式，不超过 5 MB。"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": "image/jpeg,image/png,image/webp"}

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            check_upload(upload)
        return upload


class HomeForm(forms.Form):
    """A resident's home address: a building from the community's list, the unit and the room."""

    building = BuildingChoiceField(
        label=_("楼栋"),
        queryset=Building.objects.select_related("grid"),
        empty_label=_("请选择楼栋"),
        help_text=_("只有您自己、社区工作人员和您所在网格的网格员能看到住址。"),
    )
    unit = forms.CharField(
        label=_("单元（选填）"), max_length=10, required=False, help_text=_("例如“2”；没有单元就不填。")
    )
    room = forms.CharField(label=_("房号"), max_length=10, help_text=_("例如“401”。"))

    def clean_unit(self):
        return _address_part(self.cleaned_data["unit"], _("单元"))

    def clean_room(self):
        return _address_part(self.cleaned_data["room"], _("房号"))


ADDRESS_PART_RE = re.compile(r"^[0-9A-Za-z\-]{0,10}$")


def _address_part(value, name):
    value = value.strip().removesuffix("单元").removesuffix("室").removesuffix("号")
    if not ADDRESS_PART_RE.match(value):
        raise ValidationError(_("%(name)s只能填数字或字母，例如“2”或“401”。") % {"name": name}, code="invalid")
    return value


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password, so that nobody at an unlocked phone can do it."""

    password = forms.CharField(
        label=_("请输入密码确认"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise ValidationError(_("密码不正确。"))
        return self.cleaned_data["password"]
