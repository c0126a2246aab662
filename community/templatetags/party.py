"""The 党员 badge next to a person's public name: ``{{ person|party_badge }}``.

It shows only when ``person.shows_party_badge`` (kept on the user row by PartyMembership.save: confirmed, and the
member chose 亮身份), so a page that already read the user adds no query.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def party_badge(person):
    """A small red 党员 badge, or nothing (anyone else, a unit, nobody)."""
    if getattr(person, "shows_party_badge", False) is True:
        return format_html('<span class="party-badge">{}</span>', gettext("党员"))
    return ""
