"""Forms of the portal's own pages: the dashboard's period."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dashboard import Period


class DashboardForm(forms.Form):
    """The dashboard's period: a preset, or a start and end date."""

    PRESETS = [("this_month", _("本月")), ("last_month", _("上月")), ("this_year", _("今年"))]
    preset = forms.ChoiceField(label=_("时间"), choices=PRESETS, required=False)
    start = forms.DateField(label=_("从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    # The portal's figures start long after this; a date outside these bounds is a typing slip (or a probe).
    EARLIEST = date(2000, 1, 1)

    @staticmethod
    def latest():
        return timezone.localdate() + timedelta(days=366)

    def clean(self):
        data = super().clean()
        latest = self.latest()
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not self.EARLIEST <= day <= latest:
                self.add_error(
                    name,
                    _("请选择 %(first)s 到 %(last)s 之间的日期。")
                    % {"first": f"{self.EARLIEST:%Y-%m-%d}", "last": f"{latest:%Y-%m-%d}"},
                )
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data

    def period(self):
        """The chosen period; this month when nothing valid was chosen (the form then carries the errors)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        return Period.preset(data.get("preset") or "this_month")
