"""Section versions move once per transaction, in it, from whatever wrote what a page shows."""

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from community import sections, versions
from tests.wishes.helpers import make_volunteer, make_wish
from wishes.models import Wish

pytestmark = pytest.mark.django_db


def version_writes(queries):
    """The statements among ``queries`` that moved section versions (community_sectionversion)."""
    return [q for q in queries if "INSERT INTO community_sectionversion" in q["sql"]]


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
    assert len(version_writes(queries.captured_queries)) == 1


def test_a_transaction_that_rolls_back_moves_no_version(django_capture_on_commit_callbacks):
    wish = make_wish()
    with django_capture_on_commit_callbacks(execute=True):
        sections.changed("wishes")
    before = versions.changed_at("wishes")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            Wish.objects.filter(pk=wish.pk).update(title="撤销的修改")
            raise RuntimeError
    assert callbacks == []
    assert versions.changed_at("wishes") == before


def test_saving_something_no_public_page_shows_moves_no_version(django_capture_on_commit_callbacks):
    user = make_volunteer()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user.email = "new@example.cn"
        user.set_password("另一个密码-123")
        user.save()
    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_a_change_and_its_new_version_commit_together_and_a_rollback_moves_neither():
    """The version moves inside the change's own transaction (no bump after the commit that could be lost)."""
    import psycopg
    from django.db import connection

    def version():
        return versions.current_versions(["wishes"], using="default")["wishes"]

    def version_elsewhere():
        with elsewhere.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(version), 0) FROM community_sectionversion WHERE section = 'wishes'")
            return cursor.fetchone()[0]

    wish = make_wish(title="想请人帮忙修水龙头")
    before = version()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as elsewhere:
        with transaction.atomic():
            Wish.objects.filter(pk=wish.pk).update(title="想请人帮忙换水龙头")
            assert version_elsewhere() == before  # not committed: nobody else sees a new version yet
        moved = version()
        assert moved > before and version_elsewhere() == moved
        with pytest.raises(RuntimeError), transaction.atomic():
            Wish.objects.filter(pk=wish.pk).update(title="撤销的修改")
            raise RuntimeError
        assert version() == moved == version_elsewhere()
