"""Party forms: declaring one's membership, deciding a declaration, 亮身份. Messages in Chinese."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import PartyBranch

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
