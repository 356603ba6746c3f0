"""Checks of what the server did against the seed rules; each raises `RuleViolation`."""

from __future__ import annotations

from botagent.wire import DataPopCall, LogoutGrantedMessage, PreviewPopCall

from ._calls import is_placed
from ._errors import RuleViolation
from ._facts import Facts

__all__ = ["check_break_granted", "check_logout_granted", "check_pop"]


def check_pop(facts: Facts, call: DataPopCall | PreviewPopCall) -> None:
    """A new call may pop only to a ready, Available agent with no undispositioned call.

    Raises:
        RuleViolation: R9 (another call still undispositioned), R16 (no campaign log-in yet), R4 (not
            yet Available after log-in) or R27 (not Available again after a disposition, outside the
            R9 grace: a placed call that arrives while the last disposition or the request after it
            is still unanswered).
    """
    name = f"pop of {call.interaction_id} (campaign {call.campaign_id})"
    held = facts.open_calls()
    if held:
        raise RuleViolation("R9", f"{name} while {held[0].interaction_id} is not dispositioned")
    if not facts.dialer_login_sent or (facts.right and call.campaign_id not in facts.join_sent):
        raise RuleViolation("R16", f"{name} before the agent logged in to that campaign")
    if facts.available and not facts.on_break:
        return
    if facts.r9_window and is_placed(call):
        return
    if not facts.ever_available:
        raise RuleViolation("R4", f"{name} before the agent set its status to Available")
    state = "on break" if facts.on_break else "not Available"
    raise RuleViolation("R27", f"{name} while the agent is {state} after its last disposition")


def check_break_granted(facts: Facts) -> None:
    """A break (breakStatus 2) may only be granted once every call is dispositioned.

    Raises:
        RuleViolation: R18.
    """
    held = facts.open_calls()
    if held:
        raise RuleViolation("R18", f"break granted while {held[0].interaction_id} is not dispositioned")


def check_logout_granted(facts: Facts, message: LogoutGrantedMessage) -> None:
    """A log-off of a campaign (or of Dialer) waits until that campaign's call is dispositioned.

    Raises:
        RuleViolation: R31.
    """
    for held in facts.open_calls():
        if message.logged_out_of_dialer or held.campaign_id in message.campaign_ids:
            scope = "Dialer" if message.logged_out_of_dialer else f"campaign {held.campaign_id}"
            detail = f"logout of {scope} granted while {held.interaction_id} is not dispositioned"
            raise RuleViolation("R31", detail)
