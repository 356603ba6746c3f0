"""Checks of what the server did against the seed rules; each reads the records it names and raises
`RuleViolation`."""

from __future__ import annotations

from botagent.wire import DataPopCall, LogoutGrantedMessage, PreviewPopCall

from ._calls import CallBook, is_placed
from ._errors import RuleViolation
from ._records import AvailabilityFacts, BreakFacts, CampaignFacts, SessionFacts

__all__ = ["check_break_granted", "check_logout_granted", "check_pop"]


def check_pop(
    call: DataPopCall | PreviewPopCall,
    *,
    calls: CallBook,
    session: SessionFacts,
    campaigns: CampaignFacts,
    availability: AvailabilityFacts,
    breaks: BreakFacts,
) -> None:
    """A new call may pop only to a ready, Available agent with no undispositioned call.

    Raises:
        RuleViolation: R9 (another call still undispositioned), R16 (no campaign log-in yet), R4 (not
            yet Available after log-in) or R27 (not Available again after a disposition, outside the
            R9 grace: a placed call that arrives while the last disposition or the request after it
            is still unanswered).
    """
    name = f"pop of {call.interaction_id} (campaign {call.campaign_id})"
    held = calls.open_calls()
    if held:
        raise RuleViolation("R9", f"{name} while {held[0].interaction_id} is not dispositioned")
    if not session.dialer_login_sent or not campaigns.may_pop(call.campaign_id):
        raise RuleViolation("R16", f"{name} before the agent logged in to that campaign")
    if availability.available and not breaks.on_break:
        return
    if availability.r9_grace and is_placed(call):
        return
    if not availability.ever_available:
        raise RuleViolation("R4", f"{name} before the agent set its status to Available")
    state = "on break" if breaks.on_break else "not Available"
    raise RuleViolation("R27", f"{name} while the agent is {state} after its last disposition")


def check_break_granted(calls: CallBook) -> None:
    """A break (breakStatus 2) may only be granted once every call is dispositioned.

    Raises:
        RuleViolation: R18.
    """
    held = calls.open_calls()
    if held:
        raise RuleViolation("R18", f"break granted while {held[0].interaction_id} is not dispositioned")


def check_logout_granted(calls: CallBook, message: LogoutGrantedMessage) -> None:
    """A log-off of a campaign (or of Dialer) waits until that campaign's call is dispositioned.

    Raises:
        RuleViolation: R31.
    """
    for held in calls.open_calls():
        if message.logged_out_of_dialer or held.campaign_id in message.campaign_ids:
            scope = "Dialer" if message.logged_out_of_dialer else f"campaign {held.campaign_id}"
            detail = f"logout of {scope} granted while {held.interaction_id} is not dispositioned"
            raise RuleViolation("R31", detail)
