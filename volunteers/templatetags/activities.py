"""``{% activity_phase activity as phase %}``: where an activity stands, for pages that may be kept."""

from django import template

from community.pagecache import valid_until

register = template.Library()


@register.simple_tag
def activity_phase(activity):
    """The activity's ``Phase`` now; a kept page (or part) showing it expires when the phase would change."""
    phase = activity.phase()
    valid_until(phase.changes_at)
    return phase
