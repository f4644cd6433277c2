"""What the letter form holds, as domain values: the signer, the address, the offices kept."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from wtforms import Field

from webapp.civic.countries import US
from webapp.civic.lookup import AddressQuery
from webapp.civic.types import Residence
from webapp.letters.compose import Signer
from webapp.supporter.own_script import OwnScriptForm
from webapp.text_input import clean_block


class EnteredValues(OwnScriptForm):
    """The letter form's fields read as the letter's values (a mixin of LetterForm)."""

    _fields: dict[str, Field]
    country: Field
    us_voter: Field
    abroad_city: Field
    street: Field
    city: Field
    state: Field
    zip_code: Field
    zip_kept: Field
    district: Field
    prefix: Field
    email: Field
    body: Field
    recipients: Field
    recipients_chosen: Field
    recipients_shown: Field
    # Where the error summary's link for a field goes when not to the field's own id (a radio
    # group's first radio: a fieldset cannot take focus, so the link left it on the page).
    error_anchors: Mapping[str, str] = MappingProxyType({})

    def residence(self) -> Residence:
        if (self.country.data or US) == US:
            return Residence.US
        return Residence.VOTING_ADDRESS if self.us_voter.data else Residence.ABROAD

    def signer(self) -> Signer:
        residence = self.residence()
        in_us = residence is not Residence.ABROAD
        native = self.name_in_other_script()
        return Signer(
            prefix=self.prefix.data or None,
            first_name=self.office_name(self.first_name.data, self.latin_first_name.data),
            last_name=self.office_name(self.last_name.data, self.latin_last_name.data),
            native_first_name=self.first_name.data if native else None,
            native_last_name=self.last_name.data if native else None,
            email=self.email.data,
            street=(self.street.data or None) if in_us else None,
            city=self.city.data if residence is Residence.US else self.abroad_city.data,
            state=self.state.data if in_us else None,
            zip_code=self.zip_code.data if in_us else None,
            country=US if residence is Residence.US else self.country.data,
            residence=residence,
            voting_city=self.city.data if residence is Residence.VOTING_ADDRESS else None,
        )

    def address_query(self) -> AddressQuery | None:
        """The US address to find officials by, or None for a supporter abroad who does not
        vote in the US."""
        if self.residence() is Residence.ABROAD:
            return None
        return AddressQuery(
            zip_code=self.zip_code.data,
            state=self.state.data,
            street=self.street.data or None,
            city=self.city.data,
            chosen_district=int(self.district.data) if self.district.data else None,
            zip_kept=self.zip_kept.data or None,
        )

    def selected_recipients(self) -> frozenset[str] | None:
        """Keys of the optional recipients kept, or None when the supporter was not asked."""
        if not self.recipients_chosen.data:
            return None
        return frozenset(str(key) for key in (self.recipients.data or []))

    def shown_recipients(self) -> frozenset[str] | None:
        """Keys of the boxes the supporter saw; None (all seen) from a page that did not say.
        Pages say it with an empty value besides the keys, so "none shown" is not "not said"."""
        shown = self.recipients_shown.data if self.recipients_chosen.data else None
        return frozenset(str(key) for key in shown if key) if shown else None

    def personal_text(self) -> str | None:
        return self.personal_message.data or None

    def english_text(self) -> str | None:
        """The English version, kept only beside a paragraph to translate."""
        if not self.personal_message.data:
            return None
        return self.personal_english.data or None

    def edited_body(self, original: str) -> str | None:
        """The supporter's body if they changed the statement, else None."""
        if "body" not in self._fields or not self.body.data:
            return None
        if _comparable(self.body.data) == _comparable(original):
            return None
        return str(self.body.data)


def _comparable(text: str) -> str:
    return re.sub(r"\s+", " ", clean_block(text))
