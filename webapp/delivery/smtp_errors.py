"""Why a send failed: the letter's own fault (SendError) or its channel's (ChannelDown)."""

from __future__ import annotations

from webapp.models.failure_reason import FailureReason


class SendError(RuntimeError):
    """Sending failed; `permanent` says retrying cannot help (e.g. 5xx for the recipient).
    `reason`: why, from the closed list the dashboard puts in words (decided where raised)."""

    def __init__(
        self,
        message: str,
        permanent: bool = False,
        reason: FailureReason = FailureReason.UNKNOWN,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reason = reason


class ChannelDown(SendError):
    """The channel failed, not the letter: its relay or endpoint is down, refuses our login,
    or is overloaded. Retrying helps once it is mended, so no letter uses an attempt on it.
    `certain` is False for an answer that one message alone could have caused (an HTTP 5xx):
    the worker then waits for a second letter to meet it before it stops the channel."""

    def __init__(
        self,
        message: str,
        certain: bool = True,
        reason: FailureReason = FailureReason.UNKNOWN,
    ) -> None:
        super().__init__(message, reason=reason)
        self.certain = certain
