"""An organiser's erasure of a supporter (`flask supporters erase`) leaves the campaign page's
deliveries by status at once, as releasing or declining a held letter does: for up to a minute
(the worker's recount) the page counted 41 undelivered letters where the channel map listed 40."""

from __future__ import annotations

from flask import Flask

from tests.dashboard.helpers import release_leaked_sessions, signed_in  # noqa: F401
from tests.dashboard.letters import Letter, add_letters
from tests.dashboard.test_moderation_counts import QUEUED, _by_status


def test_an_erased_supporters_letters_leave_the_counts_at_once(
    app: Flask, default_campaign: str
) -> None:
    add_letters(
        app,
        default_campaign,
        [Letter(f"writer{n}@example.org") for n in range(3)] + [Letter("erased@example.org")],
    )
    admin = signed_in(app, "admin@example.org")
    # The page has just counted them (its counts are fresh: it does not recount on its own).
    assert _by_status(admin, default_campaign) == {QUEUED: 4}
    erased = app.test_cli_runner().invoke(
        args=["supporters", "erase", "erased@example.org", "--yes"]
    )
    assert erased.exit_code == 0, erased.output
    assert _by_status(admin, default_campaign) == {QUEUED: 3}
