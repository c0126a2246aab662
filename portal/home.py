"""What the home page shows, gathered from every app's contributions and kept in the shared cache.

Each app adds its parts (community/contributions.py: ``home_page``) and its
figures for this year (``home_figures``). They are built in few queries (their
lists fetched together) and kept as HTML for HOME_SECONDS, or until anything
they show changes, so that a published article or a claimed wish shows at once.
"""

from datetime import datetime

from django.utils import timezone

from community.contributions import gather, home_figures, home_page
from community.pagecache import cached_html
from community.together import first_n

HOME_KEY = "home:sections:html"
HOME_SECONDS = 300


def sections():
    """Every section any part or figure of the home page belongs to."""
    return tuple(dict.fromkeys(entry.section for slot in (home_page, home_figures) for entry in slot))


def build():
    """The figures and the parts' data: the lists together in one query (plus any part's own)."""
    year_start = timezone.make_aware(datetime(timezone.localdate().year, 1, 1))
    figures = list(home_figures)
    gathered = gather(home_page, year_start, **{figure.name: figure.rows(year_start) for figure in figures})
    return {
        "figures": [(figure.label, figure.show(first_n(gathered.rows[figure.name]))) for figure in figures],
        "parts": gathered.html,
    }


def html():
    """The home page's sections as HTML, the same for everyone, rebuilt once anything they show has changed."""
    return cached_html(HOME_KEY, sections(), "portal/_home_sections.html", build, HOME_SECONDS)
