"""The CWC 2.0 field values: our length limits, office codes and XML-safe text."""

from __future__ import annotations

import re
import textwrap

# Our own conservative limits, in characters. CWC publishes no lengths, so these are chosen to
# fit every value the supporter form accepts (names and city 100, street 200 split over up to
# three address lines, personal message 5,000, edited body 20,000) while keeping offices' CRMs
# away from pathological sizes. build_message shortens only the subject; anything else too
# long is refused rather than cut.
NAME_MAX = 100  # FirstName, MiddleName, LastName, contact names, Title
SHORT_MAX = 32  # Prefix, Suffix
ORGANIZATION_MAX = 200  # DeliveryAgent, Organization, ConstituentOrganization
ABOUT_MAX = 2_000  # OrganizationAbout
ADDRESS_LINE_MAX = 100  # Address1, Address2, Address3
CITY_MAX = 100
EMAIL_MAX = 254
CAMPAIGN_ID_MAX = 100
SUBJECT_MAX = 255
MESSAGE_MAX = 30_000  # OrganizationStatement, ConstituentMessage (each)
URL_MAX = 500  # MoreInfo

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/FFFF)
# and the C1 controls it discourages: removed, so odd input never stops a letter.
NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def member_office(chamber: str | None, state: str | None, district: str | int | None) -> str:
    """The CWC office code of a House seat: HMI12; HWY00 at large; HDC00 for the DC delegate."""
    if chamber != "us_house":
        raise ValueError(f"CWC delivery is for the US House only, not {chamber!r}")
    code = (state or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"a House office needs a two-letter state code, not {state!r}")
    raw = str(district).strip().upper() if district is not None else ""
    if raw in ("", "AL", "AT-LARGE"):  # at large and delegates are stored as district "0"
        raw = "0"
    if not re.fullmatch(r"\d{1,2}", raw):
        raise ValueError(f"a House district must be a number up to 99, not {district!r}")
    return f"H{code}{int(raw):02d}"


BIOGUIDE_RE = re.compile(r"[A-Z]\d{6}")


def senate_office(recipient_key: str) -> str:
    """The Senate CWC office code of a senator: their bioguide ID, from `official:S000033`."""
    bioguide = recipient_key.removeprefix("official:").strip().upper()
    if not BIOGUIDE_RE.fullmatch(bioguide):
        raise ValueError(f"a Senate office needs a senator's bioguide ID, not {recipient_key!r}")
    return bioguide


def xml_line(value: str | None) -> str:
    """One-line text, XML-safe: illegal characters removed, whitespace runs made one space."""
    return " ".join(NOT_XML.sub("", value or "").split())


def xml_block(value: str | None) -> str:
    """Multi-line text, XML-safe: line breaks kept (CRLF folded), ends trimmed."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return NOT_XML.sub("", text).strip()


def address_lines(street: str) -> list[str]:
    """The street over Address1-3, each within ADDRESS_LINE_MAX, broken between words."""
    lines = textwrap.wrap(street, ADDRESS_LINE_MAX) or [street]
    if len(lines) > 3:  # odd word lengths: cut plainly instead
        lines = [street[i : i + ADDRESS_LINE_MAX] for i in range(0, len(street), ADDRESS_LINE_MAX)]
    return lines


def fit_subject(value: str) -> str:
    """The subject within SUBJECT_MAX, shortened between words with an ellipsis."""
    if len(value) <= SUBJECT_MAX:
        return value
    cut = value[: SUBJECT_MAX - 1]
    words = cut.rsplit(" ", 1)[0]
    return (words if len(words) > SUBJECT_MAX // 2 else cut).rstrip() + "…"


def normal_zip(value: str | None) -> str:
    """ZIP or ZIP+4 written 12345 or 12345-6789 when the digits allow it ("" for none)."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 9:
        return f"{digits[:5]}-{digits[5:]}"
    return digits if len(digits) == 5 else (value or "").strip()
