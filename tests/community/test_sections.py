"""Section versions move once per transaction, after it commits, from whatever wrote what a page shows."""

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from community import sections
from tests.wishes.helpers import make_volunteer, make_wish
from wishes.models import Wish

pytestmark = pytest.mark.django_db


def version_writes(queries, section):
    """The statements among ``queries`` that wrote ``section``'s version into the cache table."""
    key = sections.version_key(section)
    return [
        q for q in queries if "django_cache" in q["sql"] and q["sql"].lstrip().startswith("INSERT") and key in q["sql"]
    ]


def test_a_bulk_update_of_a_shown_field_changes_the_public_page_at_once(client, django_capture_on_commit_callbacks):
    wish = make_wish(title="想请人帮忙修水龙头")
    url = wish.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Wish.objects.filter(pk=wish.pk).update(title="想请人帮忙换水龙头")  # no save(), no signal
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "想请人帮忙换水龙头" in page.text and "修水龙头" not in page.text


def test_a_claim_writes_the_section_version_exactly_once(django_capture_on_commit_callbacks):
    wish, volunteer = make_wish(), make_volunteer()
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            wish.claim(by=volunteer)  # saves the wish, a claim and a transition
    assert len(version_writes(queries.captured_queries, "wishes")) == 1


def test_a_transaction_that_rolls_back_moves_no_version(django_capture_on_commit_callbacks):
    wish = make_wish()
    with django_capture_on_commit_callbacks(execute=True):
        sections.changed("wishes")
    before = sections.changed_at("wishes")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            Wish.objects.filter(pk=wish.pk).update(title="撤销的修改")
            raise RuntimeError
    assert callbacks == []
    assert sections.changed_at("wishes") == before


def test_saving_something_no_public_page_shows_moves_no_version(django_capture_on_commit_callbacks):
    user = make_volunteer()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user.email = "new@example.cn"
        user.set_password("另一个密码-123")
        user.save()
    assert callbacks == []
