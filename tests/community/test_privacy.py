import logging

import pytest

from community.privacy import MaskPersonalDataFilter, canonical_login, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"), [("王秀英", "王**"), ("李明", "李*"), ("阿依古丽·买买提", "阿*******"), ("", "")]
)
def test_names_are_masked_after_the_first_character(name, masked):
    assert mask_name(name) == masked


def test_phones_are_masked_in_the_middle():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "****"


@pytest.mark.parametrize("typed", ["13812345678", " 138 1234 5678 ", "+86 138-1234-5678", "008613812345678"])
def test_phone_logins_are_normalised(typed):
    assert canonical_login(typed) == "13812345678"


def test_log_records_never_carry_a_full_phone_number(caplog):
    logger = logging.getLogger("tests.privacy")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="tests.privacy"):
        logger.info("login failed for %s from %s", "13812345678", "10.0.0.1")
    assert "138****5678" in caplog.text
    assert "13812345678" not in caplog.text
