"""Building what a dial turns into: the ledger record and the wire call of a pop, or an abandoned record.

Pure constructors for the pacer: they draw ids from the world (its seeded RNG and interaction counter)
and change nothing else; handing the call to the agent is the pacer's job. ``pop_message`` is the
dataPopMessage an agent is sent; a data pop's is written as a dict, with no model validated or
serialized on the way (a test checks it equals ``DataPopMessage(call=...).to_wire()``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botagent.mock._state import Dial, DialerAgent, LiveCall, World
from botagent.wire import (
    DATA_POP,
    DATA_POP_MESSAGE,
    DataPopCall,
    DataPopMessage,
    DialingMode,
    LedgerEntry,
    PreviewPopCall,
)

__all__ = ["abandoned_record", "data_pop", "pop_message", "preview_pop"]


def data_pop(world: World, dial: Dial, agent: DialerAgent, now: float) -> LiveCall:
    """The connected call a power or predictive dial gives ``agent`` (R5, R7)."""
    own = dial.callback is not None and dial.callback.agent == agent.user.user_id
    mode = DialingMode.OWN_AGENT_CALLBACK if own else DialingMode.REGULAR
    record = _record(world, dial, "dataPop", mode, agent)
    record.state = "connected"
    record.placed_at = dial.placed_at
    record.popped_at = record.connected_at = now
    spec = dial.campaign.spec
    wire = DataPopCall(
        interaction_id=record.interaction_id,
        campaign_id=spec.id,
        attributes=_attributes(record, dial),
        auto_disconnect_on_disposition=spec.auto_disconnect_on_disposition,
        allow_agent_callbacks=spec.allow_agent_callbacks,
        dispositions=dial.campaign.dispositions,
        dialing_mode=mode,
    )
    return LiveCall(record, dial.campaign, dial.contact, dial.callback, wire)


def preview_pop(world: World, dial: Dial, agent: DialerAgent, now: float) -> LiveCall:
    """The preview call ``agent`` must place (R6), not dialed yet."""
    own = dial.callback is not None and dial.callback.agent is not None
    mode = DialingMode.OWN_AGENT_CALLBACK_PREVIEW if own else DialingMode.PREVIEW
    record = _record(world, dial, "previewPop", mode, agent)
    record.popped_at = now
    spec = dial.campaign.spec
    timeout = spec.preview_timeout
    wire = PreviewPopCall(
        interaction_id=record.interaction_id,
        campaign_id=spec.id,
        attributes=_attributes(record, dial),
        auto_disconnect_on_disposition=spec.auto_disconnect_on_disposition,
        allow_agent_callbacks=spec.allow_agent_callbacks,
        dispositions=dial.campaign.dispositions,
        dialing_mode=mode,
        call_placed=False,
        preview_timeout=None if timeout is None else datetime.fromtimestamp(now + timeout, UTC),
        allow_skip=spec.allow_skip,
    )
    return LiveCall(record, dial.campaign, dial.contact, dial.callback, wire)


def pop_message(call: LiveCall) -> dict[str, Any]:
    """The wire form of the dataPopMessage that hands ``call`` to its agent (R5, R6, R7)."""
    wire = call.wire
    if type(wire) is not DataPopCall:
        return DataPopMessage(call=wire).to_wire()
    return {
        "isDelta": False,
        "__type": DATA_POP_MESSAGE,
        "call": {
            "interactionId": wire.interaction_id,
            "campaignId": wire.campaign_id,
            "attributes": dict(wire.attributes),
            "autoDisconnectOnDisposition": wire.auto_disconnect_on_disposition,
            "allowAgentCallbacks": wire.allow_agent_callbacks,
            "dispositions": [dict(d) for d in call.campaign.dispositions_wire],
            "dialingMode": int(wire.dialing_mode),
            "__type": DATA_POP,
        },
    }


def abandoned_record(world: World, dial: Dial, now: float) -> LedgerEntry:
    """The record of an answered call that reached no agent."""
    record = _record(world, dial, "dataPop", DialingMode.REGULAR, None)
    record.state = "abandoned"
    record.placed_at = dial.placed_at
    record.connected_at = now
    return record


def _record(world: World, dial: Dial, kind: str, mode: int, agent: DialerAgent | None) -> LedgerEntry:
    callback = dial.callback
    return LedgerEntry(
        call_id=world.new_guid(),
        interaction_id=world.new_interaction_id(),
        campaign_id=dial.campaign.id,
        campaign_name=dial.campaign.name,
        contact_id=dial.contact.contact_id,
        kind="previewPop" if kind == "previewPop" else "dataPop",
        dialing_mode=mode,
        callback_of=callback.callback_of if callback else None,
        agent=agent.user.user_id if agent else None,
        outcome=None if dial.outcome is None else dial.outcome.value,
        attributes=dict(dial.contact.attributes),
    )


def _attributes(record: LedgerEntry, dial: Dial) -> dict[str, str]:
    record.attributes.update(
        {
            "IS_ATTR_CallId": record.call_id,
            "IS_ATTR_CampaignId": record.campaign_id,
            "IS_ATTR_CampaignName": record.campaign_name,
            "IS_ATTR_ContactId": record.contact_id,
            "IS_ATTR_NumberToDial": dial.contact.phone,
        }
    )
    return record.attributes
