"""Forms of the lending box: asking to borrow, and the staff's hand-over, refusal and return."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lending.models import due_date_problem


class RequestForm(forms.Form):
    """我想借: an optional word for the staff (when she will come, which strength of glasses …)."""

    note = forms.CharField(
        label=_("留言（选填）"),
        max_length=100,
        required=False,
        help_text=_("比如什么时候来领、需要多大度数。只有社区工作人员看得到。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("留言最多 %(limit_value)d 个字（现在 %(show_value)d 个）。")},
    )


class HandOverForm(forms.Form):
    """The due date staff agree with the borrower when they hand the item over."""

    due_on = forms.DateField(
        label=_("归还日期"),
        help_text=_("和居民商量好哪天还；到期前一天和逾期时系统会提醒她。"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请选择归还日期。"), "invalid": _("请填写正确的日期，例如 2026-03-08。")},
    )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        problem = due_date_problem(due_on)
        if problem:
            raise forms.ValidationError(problem)
        return due_on


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("不能借出的原因"),
        max_length=200,
        help_text=_("居民会看到，例如“轮椅送去维修了，下周再来”。"),
        error_messages={
            "required": _("请写明不能借出的原因，居民会看到。"),
            "max_length": _("原因最多 %(limit_value)d 个字（现在 %(show_value)d 个）。"),
        },
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("归还情况（选填）"),
        max_length=200,
        required=False,
        help_text=_("例如“伞骨坏了一根”。记在这次借用的进展里。"),
        error_messages={"max_length": _("最多 %(limit_value)d 个字（现在 %(show_value)d 个）。")},
    )
