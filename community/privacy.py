"""Masking of personal data: phone numbers and names as the public and the logs see them."""

import logging
import re

# Mainland China mobile numbers: 11 digits starting with 13–19.
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# The same inside free text (logs), not glued to other digits.
MOBILE_IN_TEXT_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def normalize_phone(value: str) -> str:
    """Strip spaces, dashes and a +86/0086 prefix: ' +86 138-0013-8000' → '13800138000'."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def is_mainland_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value or ""))


def canonical_login(value: str) -> str:
    """A login name as stored: phone numbers normalised, anything else stripped."""
    phone = normalize_phone(value)
    return phone if is_mainland_mobile(phone) else (value or "").strip()


def mask_phone(phone: str) -> str:
    """138****5678; anything that is not a phone number is masked whole."""
    if is_mainland_mobile(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" if phone else ""


def mask_name(name: str) -> str:
    """王秀英 → 王**, 李明 → 李*: the first character and a star for each other."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phones_in_text(text: str) -> str:
    return MOBILE_IN_TEXT_RE.sub(r"\1****\3", text)


class MaskPersonalDataFilter(logging.Filter):
    """Masks mobile numbers in every log record, whatever code logged them."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken record must not break logging
            return True
        masked = mask_phones_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
