"""Dialer calls as interactions over real HTTP: the user queue subscription and its messages, disconnect by
agent, remote party or disposition with the ledger's account of it, and the configuration user.

Pages: queue subscription https://help.genesys.com/developer/cic/docs/icws/webhelp/icws/(sessionId)/
messaging/subscriptions/queues/(subscriptionId)/index.htm; disposition ("Dialer does not actually
disconnect the call") .../icws/(sessionId)/dialer/disposition/index.htm; interaction attributes
.../icws/(sessionId)/interactions/(interactionId)/index.htm; configuration users
.../icws/(sessionId)/configuration/users/(id)/client/index.htm.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mock_rig import IcwsClient, campaign, scenario

from botagent.mock.server import MockServer
from botagent.report import reconcile
from botagent.wire import LedgerEntry

QUEUE = "/messaging/subscriptions/queues/mine"
ATTRIBUTES = ["Eic_CallId", "Eic_State", "IS_ATTR_CampaignId"]


def _watch(agent: IcwsClient, attributes: list[str] | None = None) -> httpx.Response:
    body = {
        "queueIds": [{"queueType": 1, "queueName": agent.user}],
        "attributeNames": attributes or ATTRIBUTES,
    }
    return agent.call("PUT", QUEUE, body)


def _agent(mock: MockServer, user: str = "a", **spec: Any) -> IcwsClient:
    mock.reset(scenario(campaign("P", dial_delay=0.01, ring_delay=0.01, **spec)))
    agent = IcwsClient(mock.base_url, user=user)
    assert agent.connect().status_code == 201
    return agent


def _ready(agent: IcwsClient) -> dict[str, Any]:
    """Log in, watch the queue, go Available; return the first pop's call."""
    assert _watch(agent).status_code == 200
    first = agent.wait_for("queueContentsMessage")
    assert first["isDelta"] is False and first["interactionsAdded"] == []
    agent.ok("POST", "/dialer/log-in", {})
    agent.ok("POST", "/dialer/ready-for-calls", {})
    agent.set_status()
    call: dict[str, Any] = agent.wait_for("dataPopMessage")["call"]
    return call


def _entry(mock: MockServer, interaction_id: str) -> dict[str, Any]:
    calls = httpx.get(f"{mock.base_url}/mock/ledger").json()["calls"]
    return next(c for c in calls if c["interactionId"] == interaction_id)


def test_user_queue_when_a_data_pop_arrives_lists_the_connected_interaction_with_the_asked_attributes(
    fresh_mock: MockServer,
) -> None:
    """Queue subscription page: attributeNames are the attributes the messages carry; the first message
    of a subscription is not a delta."""
    with _agent(fresh_mock) as agent:
        call = _ready(agent)
        added = agent.wait_for("queueContentsMessage")
        assert added["subscriptionId"] == "mine" and added["isDelta"] is True
        (interaction,) = added["interactionsAdded"]
        assert interaction["interactionId"] == call["interactionId"]
        assert interaction["attributes"] == {
            "Eic_CallId": call["interactionId"],
            "Eic_State": "C",
            "IS_ATTR_CampaignId": call["campaignId"],
        }


def test_disconnect_when_sent_by_the_agent_ends_the_interaction_once_and_the_ledger_says_agent(
    fresh_mock: MockServer,
) -> None:
    """Disposition page: Dialer does not disconnect the call; the agent does, with the interactions API."""
    with _agent(fresh_mock, auto_disconnect_on_disposition=False) as agent:
        call = _ready(agent)
        agent.wait_for("queueContentsMessage")
        path = f"/interactions/{call['interactionId']}/disconnect"
        assert agent.call("POST", path).status_code == 200
        changed = agent.wait_for("queueContentsMessage")
        assert changed["interactionsChanged"][0]["attributes"]["Eic_State"] == "I"
        assert agent.wait_for("queueContentsMessage")["interactionsRemoved"] == [call["interactionId"]]
        assert agent.call("POST", path).status_code == 200  # already ended: nothing changes
        agent.ok("POST", "/dialer/disposition", {"label": "Sale"})
        entry = _entry(fresh_mock, call["interactionId"])
        assert (entry["disconnectedBy"], entry["interactionState"]) == ("agent", "disconnected")
        assert entry["disconnectedAt"] <= entry["dispositionedAt"]


def test_disposition_when_the_pop_says_auto_disconnect_ends_the_interaction_by_disposition(
    fresh_mock: MockServer,
) -> None:
    """A pop's autoDisconnectOnDisposition says the server hangs up when the call is dispositioned."""
    with _agent(fresh_mock, auto_disconnect_on_disposition=True) as agent:
        call = _ready(agent)
        assert call["autoDisconnectOnDisposition"] is True
        agent.ok("POST", "/dialer/disposition", {"label": "Sale"})
        entry = _entry(fresh_mock, call["interactionId"])
        assert entry["disconnectedBy"] == "disposition"
        assert entry["disconnectedAt"] == entry["dispositionedAt"]


def test_remote_party_when_its_drawn_hang_up_passes_ends_the_interaction_as_external(
    fresh_mock: MockServer,
) -> None:
    """Scenario knob remote_hangup: the far end hangs up after the drawn delay (Eic_State E)."""
    with _agent(fresh_mock, remote_hangup=0.05, auto_disconnect_on_disposition=False) as agent:
        call = _ready(agent)
        agent.wait_for("queueContentsMessage")
        changed = agent.wait_for("queueContentsMessage")
        assert changed["interactionsChanged"][0]["attributes"]["Eic_State"] == "E"
        entry = _entry(fresh_mock, call["interactionId"])
        assert entry["disconnectedBy"] == "remote"


def test_ledger_when_a_call_stays_connected_after_its_disposition_is_a_finding(
    fresh_mock: MockServer,
) -> None:
    """Disposition page: the application must disconnect; a connected call after disposition is reported."""
    with _agent(fresh_mock, auto_disconnect_on_disposition=False) as agent:
        call = _ready(agent)
        agent.ok("POST", "/dialer/disposition", {"label": "Sale"})
        entry = _entry(fresh_mock, call["interactionId"])
        assert entry["interactionState"] == "connected" and entry["disconnectedBy"] is None
        result = reconcile([], [LedgerEntry.from_wire(entry)])
        assert result.left_connected == [call["interactionId"]] and not result.reconciles


def test_disconnect_when_the_interaction_is_not_the_users_answers_404(fresh_mock: MockServer) -> None:
    """An interaction the user never had is not found."""
    with _agent(fresh_mock) as agent:
        assert agent.call("POST", "/interactions/123/disconnect").status_code == 404


@pytest.mark.parametrize(
    "body", [{"queueIds": [{"queueType": 1, "queueName": "a"}], "attributeNames": []}, {}]
)
def test_queue_subscription_when_attribute_names_are_missing_or_empty_is_refused_with_400(
    fresh_mock: MockServer, body: dict[str, Any]
) -> None:
    """Queue subscription page: attributeNames is List [1,*] and required."""
    with _agent(fresh_mock) as agent:
        assert agent.call("PUT", QUEUE, body).status_code == 400


@pytest.mark.parametrize(("user", "right"), [("a", False), ("boss", True)])
def test_configuration_user_when_read_by_itself_gives_the_logon_campaign_right(
    fresh_mock: MockServer, user: str, right: bool
) -> None:
    """Configuration users page: securityRights.loginCampaign.effectiveValue (rightsFilter=loggedInUser)."""
    with _agent(fresh_mock, user=user) as agent:
        response = agent.call("GET", f"/configuration/users/{user}?select=*&rightsFilter=loggedInUser")
        assert response.status_code == 200
        body = response.json()
        assert body["configurationId"]["id"] == user
        assert body["securityRights"]["loginCampaign"]["effectiveValue"] is right
        assert agent.call("GET", "/configuration/users/b?select=*").status_code == 403
        assert agent.call("GET", "/configuration/users/nobody?select=*").status_code == 404


def test_user_queue_when_a_preview_is_placed_shows_it_proceeding_until_answered(
    fresh_mock: MockServer,
) -> None:
    """Eic_State page (help.genesys.com/cic/mergedProjects/wh_tr/mergedProjects/wh_tr_attributes/desktop/
    eic_state.htm): "R" is an outgoing call proceeding, awaiting an answer ("P" would be parked); R6: a
    preview is placed by the agent."""
    fresh_mock.reset(scenario(campaign("V", mode="preview", dial_delay=0.01, ring_delay=30.0)))
    with IcwsClient(fresh_mock.base_url, user="a") as agent:
        assert agent.connect().status_code == 201
        assert _watch(agent).status_code == 200
        agent.wait_for("queueContentsMessage")
        agent.ok("POST", "/dialer/log-in", {})
        agent.ok("POST", "/dialer/ready-for-calls", {})
        agent.set_status()
        call = agent.wait_for("dataPopMessage")["call"]
        agent.ok("POST", "/dialer/place-preview-call", {})
        added = agent.wait_for("queueContentsMessage")
        (interaction,) = added["interactionsAdded"]
        assert interaction["interactionId"] == call["interactionId"]
        assert interaction["attributes"]["Eic_State"] == "R"
