"""The 党员 badge on public pages: where a confirmed member chose to show it, and nowhere otherwise.

Every public page is walked as an anonymous visitor: the authorization table's pages anonymous visitors may open
(tests/test_authorization.py, the list the reachability and security-header tests use), and every page of the
portal linked from them, a few of each kind, as tests/test_reachability.py walks them.
"""

from collections import Counter, deque
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

from community.models import PartyMembership
from tests.factories import PartyMembershipFactory
from tests.test_authorization import PortalWorld, table
from tests.test_reachability import PAGES_PER_PATTERN, _Page

BADGE = 'class="party-badge"'


def _name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class BadgeOnPublicPages(PortalWorld):
    def public_pages(self):
        """{url name: [HTML of each page of that kind]}: every page an anonymous visitor reaches."""
        self.client.logout()
        starts = ["/"] + [
            url
            for method, url, _data, expected in table(self.world).values()
            if method == "get" and expected["anonymous"] == 200
        ]
        queue, queued, visits, pages = deque(starts), set(starts), Counter(), {}
        while queue:
            url = queue.popleft()
            path = urlsplit(url).path
            name = _name(path)
            if name is None or path.startswith(("/static/", "/media/")) or name.startswith("admin:"):
                continue
            if visits[name] >= PAGES_PER_PATTERN or name == "elderly_mode":
                continue
            visits[name] += 1
            response = self.client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode("utf-8", errors="replace")
            pages.setdefault(name, []).append(html)
            page = _Page()
            page.feed(html)
            for link in page.links:
                target = urldefrag(urljoin(url, link))[0]
                parts = urlsplit(target)
                if parts.netloc not in ("", "testserver"):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if target not in queued:
                    queued.add(target)
                    queue.append(target)
        return pages

    def with_badge(self):
        return {name for name, htmls in self.public_pages().items() if any(BADGE in html for html in htmls)}

    def test_a_member_who_chose_it_has_the_badge_where_he_acts_in_public(self):
        w = self.world
        PartyMembershipFactory(member=w["volunteer"].user, shows_badge=True)  # claimed wishes, served hours
        PartyMembershipFactory(member=w["team_leader"], shows_badge=True)  # leads the team
        shown = self.with_badge()
        for name in ("wishes:detail", "wishes:wall", "volunteers:team", "volunteers:honour_roll"):
            self.assertIn(name, shown)

    def test_a_unit_s_claim_shows_the_unit_and_no_badge(self):
        w = self.world
        PartyMembershipFactory(member=w["unit_member"], shows_badge=True)
        wish = w["wish_published"]
        wish.claim(by=w["unit_member"], unit=w["unit"])
        html = self.client.get(wish.get_absolute_url()).content.decode()
        self.assertIn("市委党校", html)
        self.assertNotIn(BADGE, html)

    def test_no_anonymous_page_shows_the_badge_of_members_who_did_not_choose_it_or_are_not_confirmed(self):
        w = self.world
        PartyMembershipFactory(member=w["volunteer"].user, shows_badge=False)  # confirmed, did not choose
        # Ticked 亮身份 once confirmed, then corrected the declaration: waiting for confirmation again.
        leader = PartyMembershipFactory(member=w["team_leader"], shows_badge=True)
        PartyMembership.declare(w["team_leader"], organisation="另一个党支部", joined_year=1990, consent=True)
        # The world's other volunteer (a confirmed member) was not confirmed after all; the resident's declaration
        # waits. Both had ticked 亮身份.
        for membership, status in ((w["party_member"], "rejected"), (w["declaration"], "declared")):
            membership.refresh_from_db()
            membership.status, membership.shows_badge = status, True
            membership.save()
        leader.refresh_from_db()
        self.assertEqual((leader.status, leader.shows_badge), (PartyMembership.Status.DECLARED, True))
        pages = self.public_pages()
        self.assertGreater(sum(len(htmls) for htmls in pages.values()), 40)
        for name in ("wishes:detail", "wishes:wall", "volunteers:team", "volunteers:honour_roll"):
            self.assertIn(name, set(pages))  # the pages that would show it were walked
        self.assertEqual({name for name, htmls in pages.items() if any(BADGE in html for html in htmls)}, set())
