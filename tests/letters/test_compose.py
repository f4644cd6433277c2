"""Composing letters: salutation per target, signature, paragraph order, edited bodies verbatim."""

from __future__ import annotations

from webapp.letters.compose import (
    ComposedLetter,
    Recipient,
    Signer,
    compose_letters,
    fixed_recipients,
)
from webapp.models import Campaign, Target, TargetKind

SIGNER = Signer(
    first_name="Rasha",
    last_name="Haddad",
    email="rasha@example.org",
    city="Dearborn",
    state="MI",
    zip_code="48126",
    street="100 Main St",
    prefix="Ms.",
)
SENATOR = Recipient(
    key="official:1",
    name="Jane Doe",
    office="US Senate",
    title="Senator",
    last_name="Doe",
    salutation="Dear Senator {{ target.last_name }},",
)
BOARD = Recipient(key="target:2", name="The Water Board", office="City Hall")


def campaign(**changes: object) -> Campaign:
    fields: dict[str, object] = {
        "slug": "clean-water",
        "title": "Safe water",
        "subject": "Water for {{ supporter.city }}",
        "salutation": "Dear {{ target.name }},",
        "closing": "Yours faithfully,",
        "body": "Fix the pipes in {{ supporter.city }}, **{{ target.name }}**.\n",
        "body_editable": False,
    }
    return Campaign(**{**fields, **changes})


def letters(
    personal: str | None = None, edited: str | None = None, **changes: object
) -> list[ComposedLetter]:
    return compose_letters(campaign(**changes), SIGNER, [SENATOR, BOARD], personal, edited)


def test_target_salutation_overrides_the_campaign_salutation() -> None:
    senator, board = letters()
    assert senator.salutation == "Dear Senator Doe,"
    assert board.salutation == "Dear The Water Board,"
    assert senator.text.startswith("Dear Senator Doe,\n\n")
    assert board.text.startswith("Dear The Water Board,\n\n")


def test_subject_closing_and_body_are_merged_per_target() -> None:
    senator, board = letters()
    assert senator.subject == board.subject == "Water for Dearborn"
    assert senator.closing == "Yours faithfully,"
    assert senator.body == "Fix the pipes in Dearborn, **Jane Doe**.\n"
    assert board.body == "Fix the pipes in Dearborn, **The Water Board**.\n"
    assert "<strong>Jane Doe</strong>" in senator.body_html


def test_signature_is_the_name_then_city_state_and_zip() -> None:
    (letter, _) = letters()
    assert list(letter.signature) == ["Rasha Haddad", "Dearborn, MI 48126"]
    assert letter.text.endswith("Yours faithfully,\nRasha Haddad\nDearborn, MI 48126\n")
    assert "100 Main St" not in letter.text and "rasha@example.org" not in letter.text


def test_personal_paragraph_comes_after_the_body_and_before_the_closing() -> None:
    (letter, _) = letters(personal="My family is from Aleppo.\n\nPlease act.")
    text = letter.text
    body_at = text.index("Fix the pipes")
    personal_at = text.index("My family is from Aleppo.")
    closing_at = text.index("Yours faithfully,")
    assert body_at < personal_at < closing_at
    assert "Jane Doe**.\n\nMy family is from Aleppo.\n\nPlease act.\n\nYours faithfully," in text
    assert letter.personal_message == "My family is from Aleppo.\n\nPlease act."


def test_without_a_personal_paragraph_the_closing_follows_the_body() -> None:
    (letter, _) = letters(personal=None)
    assert letter.text == (
        "Dear Senator Doe,\n\nFix the pipes in Dearborn, **Jane Doe**.\n\n"
        "Yours faithfully,\nRasha Haddad\nDearborn, MI 48126\n"
    )


def test_edited_body_is_used_verbatim_and_not_merged() -> None:
    edited = "My own words for {{ supporter.city }}.\n\n<b>**Really**</b> [x](javascript:alert(1))"
    senator, board = letters(edited=edited, body_editable=True)
    for letter in (senator, board):
        assert letter.body == edited
        assert "{{ supporter.city }}" in letter.text and "Fix the pipes" not in letter.text
        assert letter.body_html == (
            '<p dir="auto">My own words for {{ supporter.city }}.</p>\n'
            '<p dir="auto">&lt;b&gt;**Really**&lt;/b&gt; [x](javascript:alert(1))</p>'
        )
    assert senator.salutation == "Dear Senator Doe,"  # organiser text around it is still merged


def test_supporter_values_in_a_merged_body_cannot_add_markup() -> None:
    signer = Signer(
        "**Bold**", "<script>x</script>", "a@example.org", "[c](javascript:x)", "MI", "48126"
    )
    source = "From {{ supporter.full_name }} in {{ supporter.city }}.\n"
    (letter,) = compose_letters(campaign(body=source), signer, [BOARD], None, None)
    assert letter.body == "From **Bold** <script>x</script> in [c](javascript:x).\n"
    assert letter.body_html == (
        "<p>From **Bold** &lt;script&gt;x&lt;/script&gt; in [c](javascript:x).</p>\n"
    )


def test_fixed_recipients_are_the_custom_targets_in_order() -> None:
    office = Target(
        id=7,
        kind=TargetKind.CUSTOM,
        name="The President",
        office="The White House",
        salutation="Dear Mr. President,",
        contact_url="https://example.org/contact",
    )
    lookup = Target(id=8, kind=TargetKind.LOOKUP, chambers=["us_house"])
    (recipient,) = fixed_recipients(campaign(targets=[office, lookup]))
    assert recipient.key == "target:7" and recipient.target_id == 7
    assert (recipient.name, recipient.office) == ("The President", "The White House")
    assert recipient.salutation == "Dear Mr. President,"
