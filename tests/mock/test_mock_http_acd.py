"""Blended agents over real HTTP: inbound ACD interactions alert, are picked up and disconnected, time
out back to their workgroup or are abandoned, never overlap a Dialer call (R33), and the ledger's
``acd`` list accounts for each.

Pages: seed rule R33 (blended agents, inbound ACD plus Dialer); queue subscription
https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/messaging/subscriptions/
queues/(subscriptionId)/index.htm; Eic_State ("A" alerting, "C" connected, "I" internally and "E"
externally disconnected) https://help.genesys.com/cic/mergedProjects/wh_tr/mergedProjects/wh_tr_attributes/
desktop/eic_state.htm; interaction states ("ACD - Alerting", "ACD - Wait Agent -> Last Attempted": an
alert not picked up goes back to the queue) https://help.genesys.com/pureconnect/mergedprojects/wh_is/
desktop/interaction_states.htm. The pickup page itself was not found: its 200 answer is [inferred], like
the disconnect page's.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from mock_rig import PASSWORD, IcwsClient, campaign

from botagent.mock import scenario_from_dict
from botagent.mock.server import MockServer
from botagent.wire import AcdEntry

QUEUE = "/messaging/subscriptions/queues/mine"
ATTRIBUTES = ["Eic_CallId", "Eic_State", "Eic_CallDirection", "Eic_WorkgroupName"]


def _blended(mock: MockServer, *, campaigns: list[dict[str, Any]] | None = None, **workgroup: Any) -> None:
    """Users a, b blended in workgroup Support (arrivals every 50 ms on average), c not blended."""
    spec = {"name": "Support", "arrivals_per_minute": 1200, **workgroup}
    mock.reset(
        scenario_from_dict(
            {
                "campaigns": campaigns or [campaign("P", dial_delay=0.01, ring_delay=0.01)],
                "users": [
                    {"names": ["a", "b"], "password": PASSWORD, "workgroups": ["Support"]},
                    {"names": ["c"], "password": PASSWORD},
                ],
                "workgroups": [spec],
            }
        )
    )


def _watching(mock: MockServer, user: str) -> IcwsClient:
    agent = IcwsClient(mock.base_url, user=user)
    assert agent.connect().status_code == 201
    body = {"queueIds": [{"queueType": 1, "queueName": user}], "attributeNames": ATTRIBUTES}
    assert agent.call("PUT", QUEUE, body).status_code == 200
    assert agent.wait_for("queueContentsMessage")["isDelta"] is False
    return agent


def _next_change(agent: IcwsClient, key: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next queue message with ``key`` (interactionsAdded, interactionsChanged, interactionsRemoved)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = agent.wait_for("queueContentsMessage", timeout=max(0.01, deadline - time.monotonic()))
        if message.get(key):
            return message
    raise AssertionError(f"no queue message with {key} within {timeout}s")


def _alert(agent: IcwsClient) -> dict[str, Any]:
    """The next interaction added to the agent's queue alerting."""
    while True:
        (interaction,) = _next_change(agent, "interactionsAdded")["interactionsAdded"]
        if interaction["attributes"]["Eic_State"] == "A":
            return dict(interaction)


def _acd(mock: MockServer) -> list[AcdEntry]:
    ledger = httpx.get(f"{mock.base_url}/mock/ledger").json()
    return [AcdEntry.from_wire(entry) for entry in ledger["acd"]]


def _entry(mock: MockServer, interaction_id: str) -> AcdEntry:
    return next(e for e in _acd(mock) if e.interaction_id == interaction_id)


def test_acd_interaction_when_a_blended_agent_is_available_alerts_then_connects_on_pickup(
    fresh_mock: MockServer,
) -> None:
    """R33 and the Eic_State page: an inbound interaction alerts (A) on a blended agent's user queue;
    picking it up connects it (C); the agent's disconnect ends it (I) and the ledger says agent."""
    _blended(fresh_mock)
    with _watching(fresh_mock, "a") as agent:
        agent.set_status()
        alert = _alert(agent)
        interaction_id = alert["interactionId"]
        assert alert["attributes"]["Eic_CallDirection"] == "I"
        assert alert["attributes"]["Eic_WorkgroupName"] == "Support"
        assert _entry(fresh_mock, interaction_id).state == "alerting"
        assert agent.call("POST", f"/interactions/{interaction_id}/pickup").status_code == 200
        changed = _next_change(agent, "interactionsChanged")["interactionsChanged"][0]
        assert changed["attributes"]["Eic_State"] == "C"
        assert agent.call("POST", f"/interactions/{interaction_id}/disconnect").status_code == 200
        entry = _entry(fresh_mock, interaction_id)
        assert (entry.state, entry.agent, entry.disconnected_by) == ("disconnected", "a", "agent")
        assert entry.arrived_at <= entry.alerted_at <= entry.picked_up_at <= entry.disconnected_at  # type: ignore[operator]


def test_acd_interaction_when_the_caller_hangs_up_first_ends_as_externally_disconnected(
    fresh_mock: MockServer,
) -> None:
    """Eic_State page: E is disconnected by the remote party; workgroup knob caller_hangup draws when."""
    _blended(fresh_mock, caller_hangup=0.05)
    with _watching(fresh_mock, "a") as agent:
        agent.set_status()
        interaction_id = _alert(agent)["interactionId"]
        agent.ok("POST", f"/interactions/{interaction_id}/pickup")
        states = []
        while len(states) < 2:
            message = _next_change(agent, "interactionsChanged")
            states += [i["attributes"]["Eic_State"] for i in message["interactionsChanged"]]
        assert states == ["C", "E"]
        assert _entry(fresh_mock, interaction_id).disconnected_by == "remote"


def test_acd_alert_when_not_picked_up_in_time_goes_back_to_the_workgroup_and_alerts_again(
    fresh_mock: MockServer,
) -> None:
    """Interaction states page ("ACD - Wait Agent -> Last Attempted"): an alert not picked up leaves the
    agent's queue, not disconnected, and waits for an agent again; alert_timeout is a scenario knob."""
    _blended(fresh_mock, alert_timeout=0.2, arrivals_per_minute=30, abandon_after=None)
    with _watching(fresh_mock, "a") as agent:
        agent.set_status()
        first = _alert(agent)["interactionId"]
        removed = _next_change(agent, "interactionsRemoved")
        assert removed["interactionsRemoved"] == [first] and not removed.get("interactionsChanged")
        assert _alert(agent)["interactionId"] == first
        entry = _entry(fresh_mock, first)
        assert entry.alerts >= 2 and entry.disconnected_by is None


def test_acd_interaction_when_nobody_picks_it_up_before_abandon_after_is_abandoned(
    fresh_mock: MockServer,
) -> None:
    """Workgroup knob abandon_after: a caller nobody picked up gives up; the ledger says abandoned."""
    _blended(fresh_mock, alert_timeout=60, abandon_after=0.2, arrivals_per_minute=30)
    with _watching(fresh_mock, "a") as agent:
        agent.set_status()
        interaction_id = _alert(agent)["interactionId"]
        changed = _next_change(agent, "interactionsChanged")["interactionsChanged"][0]
        assert changed["attributes"]["Eic_State"] == "E"
        entry = _entry(fresh_mock, interaction_id)
        assert (entry.state, entry.disconnected_by, entry.picked_up_at) == ("abandoned", "remote", None)


def test_acd_interaction_when_the_user_is_not_blended_or_not_available_never_alerts(
    fresh_mock: MockServer,
) -> None:
    """R33: only workgroup members are blended, and ACD work needs an available ACD status."""
    _blended(fresh_mock)
    with _watching(fresh_mock, "c") as outsider, _watching(fresh_mock, "a") as away:
        outsider.set_status()
        time.sleep(0.3)
        messages = _queue_messages(outsider) + _queue_messages(away)
        assert not any(message["interactionsAdded"] for message in messages)
        assert all(e.state == "waiting" for e in _acd(fresh_mock)) and _acd(fresh_mock)


def _queue_messages(agent: IcwsClient) -> list[dict[str, Any]]:
    agent.poll()
    messages = [m for m in agent.buffer if str(m["__type"]).endswith("queueContentsMessage")]
    agent.buffer.clear()
    return messages


def test_acd_alert_when_the_agent_holds_a_dialer_call_waits_until_it_is_dispositioned(
    fresh_mock: MockServer,
) -> None:
    """R33: an agent holding a Dialer call is not alerted; once the call is dispositioned and the agent
    is available again, the waiting interaction alerts it."""
    dialer = campaign("P", dial_delay=0.01, ring_delay=0.01, auto_disconnect_on_disposition=True)
    _blended(fresh_mock, campaigns=[dialer], arrivals_per_minute=120)
    with _watching(fresh_mock, "a") as agent:
        agent.ok("POST", "/dialer/log-in", {})
        agent.ok("POST", "/dialer/ready-for-calls", {})
        agent.set_status()
        pop = agent.wait_for("dataPopMessage")["call"]
        time.sleep(0.5)
        assert [e.state for e in _acd(fresh_mock)].count("waiting") >= 1
        assert all(e.agent is None for e in _acd(fresh_mock))
        agent.ok("POST", "/dialer/disposition", {"label": "Sale"})
        agent.set_status()
        alert = _alert(agent)
        dispositioned = _dialer_call(fresh_mock, pop["interactionId"])["dispositionedAt"]
        assert _entry(fresh_mock, alert["interactionId"]).alerted_at >= dispositioned  # type: ignore[operator]


def test_dialer_pop_when_the_agent_holds_an_acd_interaction_waits_until_it_is_disconnected(
    fresh_mock: MockServer,
) -> None:
    """R33: Dialer gives no pop (nor reservation) to an agent holding an ACD interaction; every ACD
    interaction the agent held before its pop ended before the pop."""
    dialer = campaign("P", dial_delay=0.01, ring_delay=0.01)
    _blended(fresh_mock, campaigns=[dialer], arrivals_per_minute=600, abandon_after=None)
    with _watching(fresh_mock, "a") as agent:
        agent.ok("POST", "/dialer/log-in", {})
        agent.ok("POST", "/dialer/ready-for-calls", {})
        time.sleep(0.3)  # arrivals wait before the agent is available, so ACD comes first
        agent.set_status()
        interaction_id = _alert(agent)["interactionId"]
        agent.ok("POST", f"/interactions/{interaction_id}/pickup")
        time.sleep(0.4)
        agent.poll()
        assert not [m for m in agent.buffer if str(m["__type"]).endswith("dataPopMessage")]
        pop = _handle_acd_until_a_pop(agent, interaction_id)
        popped = _dialer_call(fresh_mock, pop["interactionId"])["poppedAt"]
        held = [e for e in _acd(fresh_mock) if e.agent == "a" and e.alerted_at is not None]
        assert held and all(e.alerted_at < popped for e in held)  # type: ignore[operator]
        assert all(e.disconnected_at is not None and e.disconnected_at <= popped for e in held)


def _handle_acd_until_a_pop(agent: IcwsClient, interaction_id: str) -> dict[str, Any]:
    """Disconnect the held ACD interaction and any later ones, until a Dialer pop arrives (bounded)."""
    agent.ok("POST", f"/interactions/{interaction_id}/disconnect")
    for _ in range(50):
        agent.poll()
        for message in list(agent.buffer):
            if str(message["__type"]).endswith("dataPopMessage"):
                return dict(message["call"])
            for added in message.get("interactionsAdded") or ():
                if added["attributes"].get("Eic_State") == "A":
                    agent.ok("POST", f"/interactions/{added['interactionId']}/pickup")
                    agent.ok("POST", f"/interactions/{added['interactionId']}/disconnect")
        agent.buffer.clear()
        time.sleep(0.05)
    raise AssertionError("no Dialer pop after the ACD interactions ended")


def _dialer_call(mock: MockServer, interaction_id: str) -> dict[str, Any]:
    calls = httpx.get(f"{mock.base_url}/mock/ledger").json()["calls"]
    return dict(next(c for c in calls if c["interactionId"] == interaction_id))


def test_pickup_when_the_interaction_is_not_the_users_answers_404_and_a_dialer_call_400(
    fresh_mock: MockServer,
) -> None:
    """Interactions pages: an interaction the user never had is not found; a Dialer call is not alerting
    and cannot be picked up [inferred 400]."""
    _blended(fresh_mock, arrivals_per_minute=0)
    with _watching(fresh_mock, "a") as agent:
        assert agent.call("POST", "/interactions/123/pickup").status_code == 404
        agent.ok("POST", "/dialer/log-in", {})
        agent.ok("POST", "/dialer/ready-for-calls", {})
        agent.set_status()
        pop = agent.wait_for("dataPopMessage")["call"]
        assert agent.call("POST", f"/interactions/{pop['interactionId']}/pickup").status_code == 400


def test_ledger_when_acd_interactions_were_handled_keeps_campaign_metrics_dialer_only(
    fresh_mock: MockServer,
) -> None:
    """R33: the ledger accounts for ACD interactions in their own list; campaign metrics count calls."""
    _blended(fresh_mock, campaigns=[campaign("P", status="off")])
    with _watching(fresh_mock, "a") as agent:
        agent.set_status()
        interaction_id = _alert(agent)["interactionId"]
        agent.ok("POST", f"/interactions/{interaction_id}/pickup")
        agent.ok("POST", f"/interactions/{interaction_id}/disconnect")
        ledger = httpx.get(f"{fresh_mock.base_url}/mock/ledger").json()
        assert ledger["calls"] == [] and all(not c.get("connects") for c in ledger["campaigns"].values())
        assert interaction_id in {e["interactionId"] for e in ledger["acd"]}


def test_acd_interaction_when_its_agents_last_session_is_closed_ends_by_session(
    fresh_mock: MockServer,
) -> None:
    """A connected ACD interaction whose agent closes its last session ends with it (``session``: the
    agent left it behind); one whose session the server loses ends by ``server``."""
    _blended(fresh_mock)
    agent = _watching(fresh_mock, "a")
    with agent:
        agent.set_status()
        interaction_id = _alert(agent)["interactionId"]
        agent.ok("POST", f"/interactions/{interaction_id}/pickup")
        agent.ok("DELETE", "/connection")
        assert _entry(fresh_mock, interaction_id).disconnected_by == "session"
    with _watching(fresh_mock, "b") as other:
        other.set_status()
        interaction_id = _alert(other)["interactionId"]
        other.ok("POST", f"/interactions/{interaction_id}/pickup")
        assert httpx.post(f"{fresh_mock.base_url}/mock/restart").is_success
        assert _entry(fresh_mock, interaction_id).disconnected_by == "server"
