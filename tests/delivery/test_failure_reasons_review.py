"""Review of the failure reasons: every SMTP answer a relay gives, met on a real server, names
the right reason and the right owner (the channel waits, or the letter uses its attempts)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.delivery import test_failure_reasons, test_smtp_refusals
from tests.delivery.smtp_server import HOST
from webapp.delivery.smtp import ChannelDown, Mailer, SendError, parse_smtp_url
from webapp.models import FailureReason

R = FailureReason
OFFICE = "clerk@house.gov"
CHANNEL, LETTER, FOR_GOOD = "channel", "letter", "letter for good"
refusing = test_smtp_refusals.refusing  # the fixture: a real relay answering as asked
_refusal = test_failure_reasons._refusal  # one message sent to OFFICE; its error


def _owner(error: SendError) -> str:
    if isinstance(error, ChannelDown):
        return CHANNEL
    return FOR_GOOD if error.permanent else LETTER


# Who owns each answer is what main said before reasons were kept (2670b91), unless noted.
@pytest.mark.parametrize(
    ("reply", "owner", "reason"),
    [
        ({"rcpt": "421 4.7.0 Service shutting down"}, CHANNEL, R.RELAY_BUSY),
        ({"rcpt": "450 4.2.1 Mailbox busy"}, LETTER, R.UNAVAILABLE),
        # The relay's own trouble since h4 (uncertain: a second letter meeting it pauses email).
        ({"data": "451 4.3.0 Local error in processing"}, CHANNEL, R.RELAY_BUSY),
        ({"data": "452 4.2.2 Mailbox full"}, LETTER, R.MAILBOX_FULL),
        ({"rcpt": "452 4.5.3 Too many recipients"}, LETTER, R.UNAVAILABLE),
        ({"rcpt": "452 4.2.2 Mailbox full"}, LETTER, R.MAILBOX_FULL),  # was the channel's
        ({"rcpt": "454 4.7.0 Temporary authentication failure"}, CHANNEL, R.RELAY_LIMITED),
        ({"mail": "530 5.7.0 Authentication required"}, CHANNEL, R.RELAY_SETTINGS),
        ({"rcpt": "550 5.1.1 <clerk@house.gov>: User unknown"}, FOR_GOOD, R.ADDRESS_REFUSED),
        ({"rcpt": "551 5.1.6 User not local; please try <a@b.gov>"}, FOR_GOOD, R.ADDRESS_REFUSED),
        ({"rcpt": "552 5.2.2 Mailbox full"}, FOR_GOOD, R.MAILBOX_FULL),  # was the channel's
        ({"data": "552 5.3.4 Message size exceeds fixed limit"}, FOR_GOOD, R.MESSAGE_REFUSED),
        ({"mail": "552 5.3.4 Message size exceeds fixed limit"}, FOR_GOOD, R.MESSAGE_REFUSED),
        ({"rcpt": "553 5.1.3 Bad recipient address syntax"}, FOR_GOOD, R.ADDRESS_REFUSED),
        ({"mail": "553 5.7.1 Sender address rejected: not yours"}, CHANNEL, R.RELAY_SETTINGS),
        ({"data": "554 5.7.1 Message rejected as spam"}, FOR_GOOD, R.REFUSED_AS_SPAM),
        ({"data": "554 5.6.0 Transaction failed"}, FOR_GOOD, R.MESSAGE_REFUSED),
        ({"rcpt": "550 5.7.1 Unable to relay"}, CHANNEL, R.RELAY_SETTINGS),
        ({"data": "550 5.4.5 Daily user sending quota exceeded"}, CHANNEL, R.RELAY_LIMITED),
    ],
)
def test_each_smtp_answer_has_its_owner_and_reason(
    refusing: Any,
    reply: dict[str, str],
    owner: str,
    reason: FailureReason,
) -> None:
    error = _refusal(refusing(**reply))
    assert (_owner(error), error.reason) == (owner, reason)


@pytest.mark.parametrize(
    "reply",
    [
        {"rcpt": "451 4.7.1 Sending quota exceeded for client 10.4.2.2, try later"},
        {"data": "450 4.7.1 Rate limit reached for 192.168.5.2.2"},
        {"rcpt": "452 4.7.1 Too many messages from 10.0.5.2.2 (quota)"},
    ],
)
def test_a_relay_limiting_us_with_an_ip_that_looks_like_a_full_mailbox_code_pauses_email(
    refusing: Any,
    reply: dict[str, str],
) -> None:
    """Main before the merge paused the channel on these (the relay's quota); "4.2.2" or
    "5.2.2" read anywhere in the words, an IP address's last octets included, made each
    letter use its attempts as a full mailbox instead."""
    error = _refusal(refusing(**reply))
    assert (_owner(error), error.reason) == (CHANNEL, R.RELAY_LIMITED)


def test_an_enhanced_code_in_an_ip_address_is_not_read_as_spam(refusing: Any) -> None:
    """Only the enhanced code that opens the answer says what it is: an address refused by a
    host 10.5.7.1 is an address refused, not spam (the words would send organisers to SPF)."""
    error = _refusal(refusing(rcpt="550 5.1.1 User unknown (checked by mx 10.5.7.1)"))
    assert (_owner(error), error.reason) == (FOR_GOOD, R.ADDRESS_REFUSED)


def test_a_login_required_at_rcpt_is_the_relays_settings_not_spam(refusing: Any) -> None:
    """A relay that wants a login may say so at RCPT TO: every letter alike, and not spam."""
    error = _refusal(refusing(rcpt="530 5.7.0 Authentication required"))
    assert (_owner(error), error.reason) == (CHANNEL, R.RELAY_SETTINGS)


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts connections and never says a word (a relay hung)."""
    server = socket.socket()
    server.bind((HOST, 0))
    server.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_relay_that_never_answers_is_unreachable(silent: int) -> None:
    error = _refusal(Mailer(parse_smtp_url(f"smtp://{HOST}:{silent}", 1)))
    assert (_owner(error), error.reason) == (CHANNEL, R.RELAY_UNREACHABLE)


@pytest.mark.parametrize("url", ["smtps://{host}:{port}", "smtp://{host}:{port}?starttls=true"])
def test_tls_asked_of_a_relay_without_it_is_a_setting(refusing: Any, url: str) -> None:
    plain = refusing()
    settings = parse_smtp_url(url.format(host=HOST, port=plain.settings.port), 5)
    error = _refusal(Mailer(settings))
    assert (_owner(error), error.reason) == (CHANNEL, R.RELAY_SETTINGS)


@pytest.mark.parametrize(
    "reply",
    [
        "552 Requested mail action aborted: exceeded storage allocation",  # RFC 5321's own words
        "452 The recipient's inbox is out of storage space",
    ],
)
def test_a_full_mailbox_said_in_the_rfcs_words_is_a_full_mailbox(refusing: Any, reply: str) -> None:
    """552 is "exceeded storage allocation" in RFC 5321: the office's mailbox, not its address
    (the words would send organisers to correct an email that is right)."""
    error = _refusal(refusing(rcpt=reply))
    assert error.reason is R.MAILBOX_FULL and not isinstance(error, ChannelDown)


def test_the_relays_own_storage_short_is_not_a_full_mailbox(refusing: Any) -> None:
    error = _refusal(refusing(rcpt="452 Requested action not taken: insufficient system storage"))
    assert (_owner(error), error.reason) == (LETTER, R.UNAVAILABLE)


@pytest.mark.parametrize(
    "reply",
    [
        {  # cPanel/Exim, common with small organisations' hosting
            "rcpt": "550 Domain civic.example.org has exceeded the max emails per hour "
            "(100/100 (100%)) allowed. Message discarded."
        },
        {"data": "550 Your message exceeds the maximum number of messages per day"},
    ],
)
def test_a_hosting_relays_hourly_cap_pauses_email_instead_of_killing_each_letter(
    refusing: Any, reply: dict[str, str]
) -> None:
    """Said to every letter alike until the hour turns: the relay's limit, not the office's
    address (which the words would send organisers to correct, one dead letter at a time)."""
    error = _refusal(refusing(**reply))
    assert (_owner(error), error.reason) == (CHANNEL, R.RELAY_LIMITED)
