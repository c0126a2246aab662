"""The demo lending box: twelve items, a loan out on the demo resident's 我的, one overdue and one request on the
grid worker's; loading it again adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from community.contributions import waiting_for
from lending.models import Item, Loan
from tests.signing_in import sign_in


@pytest.mark.django_db
def test_the_demo_box_has_twelve_items_a_loan_out_one_overdue_and_loads_twice_without_duplicates(
    settings, tmp_path, client
):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    counts = (Item.objects.count(), Loan.objects.count())
    call_command("load_demo")
    assert (Item.objects.count(), Loan.objects.count()) == counts
    assert counts[0] == 12 and all(item.photo_id for item in Item.objects.all())
    assert Loan.objects.overdue().count() == 1 and Loan.objects.out().count() == 2

    users = get_user_model().objects
    sign_in(client, users.get(username="resident"))
    me = client.get(reverse("me")).text
    assert "电子血压计" in me and "借用中" in me
    labels = {queue.label: queue for queue in waiting_for(users.get(username="gridworker"))}
    assert [text for text, _link in labels["逾期未还的百宝箱物品"].items] == ["轮椅 · 彭桂英"]
    assert [text for text, _link in labels["待借出的百宝箱物品"].items] == ["雨伞 · 孙丽萍"]
