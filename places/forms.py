"""The directory's choices (a category, a building to start from), a resident's report, staff's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from places.models import Category, PlaceReport


class DirectoryForm(forms.Form):
    """What the directory's address may choose: a category and a building. Anything else is ignored."""

    category = forms.ChoiceField(choices=[("", _("全部")), *Category.choices], required=False)
    building = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)

    def choices(self):
        """(category, building id): each the valid value from the address, else empty."""
        self.is_valid()  # a wrong value is left out of cleaned_data; the other still counts
        return self.cleaned_data.get("category") or "", self.cleaned_data.get("building")


class PlaceReportForm(forms.ModelForm):
    class Meta:
        model = PlaceReport
        fields = ["note"]
        labels = {"note": _("哪里不对？")}
        help_texts = {
            "note": _("例如“电话换成了 0714-6201234”“周日不开门了”“已经搬到朝阳路”。社区工作人员核实后会更正。")
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "note": {
                "required": _("请写一句哪里不对，例如新的电话号码或营业时间。"),
                "max_length": _("请写在 300 字以内（现在是 %(show_value)d 字）。"),
            }
        }

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("请写一句哪里不对，例如新的电话号码或营业时间。"))
        return note


class HandleReportForm(forms.Form):
    reply = forms.CharField(
        label=_("告诉报告人（选填）"),
        max_length=200,
        required=False,
        help_text=_("例如“已改成新的电话号码，谢谢您！”"),
        error_messages={"max_length": _("请写在 200 字以内。")},
    )
