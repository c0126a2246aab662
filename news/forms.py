from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import PhotoField


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("搜索新闻"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("例如：垃圾分类")}),
    )


class EditorPhotoForm(forms.Form):
    photo = PhotoField(label=_("选择照片"))
    alt = forms.CharField(
        label=_("图片说明"),
        max_length=120,
        help_text=_("一句话说明照片内容，例如“志愿者在团结巷清理楼道”。读屏软件会把它读给看不见图片的居民听。"),
    )
