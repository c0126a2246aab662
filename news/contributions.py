"""What the news adds to other pages: its sections of the home page."""

from community.contributions import Part, home_page
from news.models import SECTION, Article

home_page.register(
    Part(
        name="news",
        template="news/_home_section.html",
        # Its own query (one, however many columns): the newest of each section picked from one index scan.
        context=lambda rows, year_start: {"news": Article.objects.home_sections()},
        section=SECTION,
        order=10,
    )
)
