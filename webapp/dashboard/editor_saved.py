"""What a campaign save did to letters already written, told to the organiser who saved it."""

from __future__ import annotations

from flask import flash

from webapp.campaigns.services import ImportResult
from webapp.i18n import counted


def flash_corrections(result: ImportResult) -> None:
    """Where the save sent letters already written: to a corrected office's new details, or
    (the way to it changed, or a worker is sending them) nowhere new."""
    if result.letters_followed:
        flash(
            counted(
                "%(num)s letter waiting for an office you corrected now goes to its corrected "
                "details.",
                "%(num)s letters waiting for an office you corrected now go to its corrected "
                "details.",
                result.letters_followed,
            ),
            "info",
        )
    if result.letters_kept:
        flash(
            counted(
                "%(num)s letter waiting for an office you corrected keeps its old details: it is "
                "being sent, or the correction changes how it reaches it. See it on the channel "
                "map.",
                "%(num)s letters waiting for an office you corrected keep its old details: they "
                "are being sent, or the correction changes how they reach it. See them on the "
                "channel map.",
                result.letters_kept,
            ),
            "warning",
        )
