"""Security headers on every page, in production settings, and the Mozilla HTTP Observatory score.

The pages are those of the authorization table (tests/test_authorization.py),
fetched over HTTPS as an anonymous visitor and as a signed-in resident. The
score follows the Observatory's published scoring rules (httpobs/docs/scoring.md);
the hosted scanner cannot reach this machine.
"""

import re
from http.cookies import SimpleCookie

from django.test import Client, override_settings
from django.urls import reverse

from tests.test_authorization import PortalWorld, table

PRODUCTION = {
    "DEBUG": False,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "HTTPS": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


def directives(csp):
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def header_problems(response):
    """What is wrong with one response's security headers (empty when all is well)."""
    problems = []
    csp = directives(response.get("Content-Security-Policy", ""))
    if not csp:
        return ["no Content-Security-Policy"]
    scripts = csp.get("script-src", csp.get("default-src", []))
    if "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts or "'unsafe-eval'" in csp.get("default-src", []):
        problems.append(f"unsafe script-src: {scripts}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    if csp.get("object-src") != ["'none'"] or csp.get("base-uri") != ["'none'"]:
        problems.append("object-src/base-uri not 'none'")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name}: {response.get(name)!r}")
    permissions = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        if feature not in permissions:
            problems.append(f"Permissions-Policy lacks {feature}")
    hsts = response.get("Strict-Transport-Security", "")
    age = re.search(r"max-age=(\d+)", hsts)
    if not age or int(age.group(1)) < 31536000 or "includeSubDomains" not in hsts:
        problems.append(f"HSTS: {hsts!r}")
    for morsel in response.cookies.values():
        if not morsel["secure"] or morsel["samesite"] != "Lax":
            problems.append(f"cookie {morsel.key} lacks Secure or SameSite=Lax")
        if morsel.key in ("sessionid", "csrftoken", "elderly") and not morsel["httponly"]:
            problems.append(f"cookie {morsel.key} is not HttpOnly")
    return problems


def observatory_score(response, http_redirect):
    """The HTTP Observatory score of a page, by its published rules (all that apply without a scanner)."""
    score, bonus = 100, 0
    csp = directives(response.get("Content-Security-Policy", ""))
    unsafe_scripts = any(
        w in csp.get("script-src", csp.get("default-src", [])) for w in ("'unsafe-inline'", "'unsafe-eval'")
    )
    if not csp:
        score -= 25
    elif unsafe_scripts:
        score -= 20
    elif csp.get("default-src") == ["'none'"] and "'unsafe-inline'" not in csp.get("style-src", []):
        bonus += 10
    elif "'unsafe-inline'" not in csp.get("style-src", []):
        bonus += 5
    cookies = list(response.cookies.values())
    if (
        cookies
        and all(c["secure"] and c["samesite"] for c in cookies)
        and all(c["httponly"] for c in cookies if c.key == "sessionid")
    ):
        bonus += 5
    elif any(not c["secure"] for c in cookies):
        score -= 20
    if response.get("Referrer-Policy") in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ):
        bonus += 5
    hsts = re.search(r"max-age=(\d+)", response.get("Strict-Transport-Security", ""))
    if not hsts:
        score -= 20
    elif int(hsts.group(1)) < 15768000:
        score -= 10
    if response.get("X-Content-Type-Options") != "nosniff":
        score -= 5
    if csp.get("frame-ancestors"):
        bonus += 5
    elif response.get("X-Frame-Options") not in ("DENY", "SAMEORIGIN"):
        score -= 20
    if not (http_redirect.status_code in (301, 302) and http_redirect["Location"].startswith("https://")):
        score -= 20
    return score + bonus if score >= 90 else score


class SecurityHeaders(PortalWorld):
    def test_every_page_carries_the_security_headers(self):
        failures = []
        with override_settings(**PRODUCTION):
            for role in ("anonymous", "resident"):
                client = Client()
                self.log_in_as(role, client=client)
                for name, (method, url, _data, expected) in sorted(table(self.world).items()):
                    if method != "get" or expected[role] >= 500:
                        continue
                    response = client.get(url, secure=True)
                    for problem in header_problems(response):
                        failures.append(f"{name} as {role} ({response.status_code}): {problem}")
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def test_admin_pages_keep_the_portal_policy(self):
        """The admin, its rich-text editor included, runs without 'unsafe-eval' or inline scripts."""
        admin_pages = [
            "/admin/",
            "/admin/news/article/",
            "/admin/news/article/add/",
            f"/admin/news/article/{self.world['article'].pk}/change/",
            "/admin/wishes/wish/",
            "/admin/community/user/",
            f"/admin/community/user/{self.world['resident'].pk}/change/",
            "/admin/volunteers/activity/add/",
        ]
        failures = []
        with override_settings(**PRODUCTION):
            client = Client()
            self.log_in_as("staff", client=client)
            for url in admin_pages:
                response = client.get(url, secure=True)
                if response.status_code != 200:
                    failures.append(f"{url}: {response.status_code}")
                failures += [f"{url}: {problem}" for problem in header_problems(response)]
                page = response.content.decode()
                nonce = re.search(r"'nonce-([^']+)'", response.get("Content-Security-Policy", ""))
                for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page):
                    if not nonce or f'nonce="{nonce.group(1)}"' not in script:
                        failures.append(f"{url}: inline script without the page's nonce: {script}")
                if re.search(r"""(?:src|href)=["']https?://""", page):
                    failures.append(f"{url}: loads something from outside the portal")
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def test_the_home_page_scores_a_plus_by_the_observatory_rules(self):
        with override_settings(**PRODUCTION):
            client = Client()
            client.get("/accounts/login/", secure=True)  # collect the CSRF cookie as a browser would
            response = client.get("/", secure=True)
            response.cookies = SimpleCookie()
            for morsel in client.get("/accounts/login/", secure=True).cookies.values():
                response.cookies[morsel.key] = morsel
            redirect = Client().get("/")
        score = observatory_score(response, redirect)
        self.assertGreaterEqual(score, 100, f"Observatory score {score}")


class PrivatePages(PortalWorld):
    def test_signed_in_pages_are_private_and_not_stored_and_public_ones_may_be_kept(self):
        private_pages = [
            "/me/",
            reverse("wishes:claimed"),
            reverse("wishes:detail", kwargs={"pk": self.world["wish_claimed"].pk}),
        ]
        client = Client()
        self.log_in_as("volunteer", client=client)
        for url in private_pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "private, no-store", url
        anonymous = Client().get("/")
        assert "no-store" not in anonymous.get("Cache-Control", "")


class SearchLimit(PortalWorld):
    def test_searching_faster_than_anyone_types_is_slowed_down_with_retry_after(self):
        client = Client()
        answers = [client.get(reverse("news:search"), {"q": f"社区{n}"}).status_code for n in range(35)]
        assert answers[:30] == [200] * 30
        refused = client.get(reverse("news:search"), {"q": "最后一次"})
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert "操作太频繁了" in refused.content.decode()
