"""Forms of the portal's own pages: the dashboard's period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.dashboard import Period


class DashboardForm(forms.Form):
    """The dashboard's period: a preset, or a start and end date."""

    PRESETS = [("this_month", _("本月")), ("last_month", _("上月")), ("this_year", _("今年"))]
    preset = forms.ChoiceField(label=_("时间"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def period(self):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end") and data["start"] <= data["end"]:
            return Period(data["start"], data["end"])
        return Period.preset(data.get("preset") or "this_month")
