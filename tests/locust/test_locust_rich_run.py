"""One Locust run of eight agents against the mock, read back from every side.

Each mode has its own agents: the mock's users pred01/02, power01/02 and prev01/02 lack the Logon
Campaign right and may work only the predictive, power or preview campaign, so Dialer logs each in to
that one; lead01/02 hold the right, may work all three and choose two (one by name, one by id). The
agents break every second call, change status now and then, reschedule some calls a second or two
ahead for themselves, and log off after three calls to start a new shift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from locust_rig import (
    CAMPAIGN_IDS,
    DIALER_ENDPOINTS,
    KPI_NAMES,
    POWER,
    PREDICTIVE,
    PREVIEW,
    LocustRun,
    campaign,
    logoff_windows,
    run_locust,
    scenario,
    write_profile,
)

from botagent.mock.server import MockServer
from botagent.wire import DialingMode

pytestmark = pytest.mark.slow

AGENT_CAMPAIGNS = {
    "pred01": {PREDICTIVE},
    "pred02": {PREDICTIVE},
    "power01": {POWER},
    "power02": {POWER},
    "prev01": {PREVIEW},
    "prev02": {PREVIEW},
    "lead01": {POWER, PREVIEW},
    "lead02": {POWER, PREVIEW},
}
LABELS = {"Sale": 1, "No Sale": 1, "Callback": 2}
OFFSET_LOW, OFFSET_HIGH = 1.0, 2.0
PREVIEW_RING = 0.2
SCENARIO = scenario(
    campaigns=[
        campaign(PREDICTIVE, "predictive"),
        campaign(POWER, "power"),
        campaign(PREVIEW, "preview", ring_delay=PREVIEW_RING),
    ],
    users=[
        {"names": ["pred01", "pred02"], "campaigns": [PREDICTIVE]},
        {"names": ["power01", "power02"], "campaigns": [POWER]},
        {"names": ["prev01", "prev02"], "campaigns": [PREVIEW]},
        {"names": ["lead01", "lead02"], "has_logon_campaign_right": True},
    ],
)
PROFILE = {
    "name": "rich",
    "station": {"type": "stationless"},
    "campaigns": [POWER, CAMPAIGN_IDS[PREVIEW]],
    "behaviour": {
        "talk_time": {"kind": "uniform", "low": 0.3, "high": 0.6},
        "preview_think_time": 0.2,
        "wrap_up_time": 0.2,
        "dispositions": LABELS,
        "reschedule": {
            "probability": 0.3,
            "offset": {"kind": "uniform", "low": OFFSET_LOW, "high": OFFSET_HIGH},
            "agent": "self",
        },
        "breaks": {"every_calls": 2, "length": 0.3},
        "status_changes": {"probability": 0.2, "status": "Do Not Disturb", "length": 0.3},
        "logoff": {"after_calls": 3},
    },
    "timeouts": {"request": 5, "pop": 20, "break_grant": 20, "logoff_grant": 20},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocustRun]:
    out: Path = tmp_path_factory.mktemp("rich")
    profile = write_profile(out, PROFILE, agents=list(AGENT_CAMPAIGNS))
    with MockServer(SCENARIO) as mock:
        yield run_locust(mock, profile, out, users=len(AGENT_CAMPAIGNS), run_time=18)


def test_locust_run_when_every_mode_is_worked_exits_zero_without_failures(run: LocustRun) -> None:
    assert run.returncode == 0, run.describe()
    assert run.aggregated["Failure Count"] == "0", run.describe()
    assert run.failures == []
    assert run.summary_failures == 0
    assert run.summary["passed"] is True
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
    assert run.summary["rule_violations_total"] == 0, run.summary["rule_violations"]
    assert all(not event["failed"] for events in run.requests.values() for event in events)


def test_calls_when_campaign_modes_differ_pop_with_that_mode_kind_and_dialing_mode(run: LocustRun) -> None:
    expected = {
        PREDICTIVE: ("dataPop", DialingMode.REGULAR, DialingMode.OWN_AGENT_CALLBACK),
        POWER: ("dataPop", DialingMode.REGULAR, DialingMode.OWN_AGENT_CALLBACK),
        PREVIEW: ("previewPop", DialingMode.PREVIEW, DialingMode.OWN_AGENT_CALLBACK_PREVIEW),
    }
    fresh = Counter(call["campaignName"] for call in run.popped if call["callbackOf"] is None)
    assert set(fresh) == set(expected) and min(fresh.values()) >= 3, fresh
    for call in run.popped:
        kind, regular, own_callback = expected[call["campaignName"]]
        mode = own_callback if call["callbackOf"] else regular
        assert (call["kind"], call["dialingMode"]) == (kind, mode), call
    previews = [call for call in run.popped if call["kind"] == "previewPop"]
    placed = [call for call in previews if call["placedAt"] is not None]
    rang = [call for call in placed if not _dispositioned_within(call, PREVIEW_RING)]
    assert all(call["connectedAt"] is not None for call in rang)
    assert run.count("POST /dialer/place-preview-call") == len(placed)
    # Only the test's stop can catch an agent with a preview it has not placed yet; its cleanup places
    # an unskippable one and dispositions it at once, before it rings through (official disposition page).
    preview_agents = [agent for agent, campaigns in AGENT_CAMPAIGNS.items() if PREVIEW in campaigns]
    assert len(previews) - len(rang) <= len(preview_agents)


def _dispositioned_within(call: dict[str, Any], seconds: float) -> bool:
    done = call["dispositionedAt"]
    return done is not None and done - call["placedAt"] < seconds


def test_campaigns_when_agent_holds_logon_campaign_right_only_chosen_ones_are_joined(run: LocustRun) -> None:
    seen: dict[str, set[frozenset[str]]] = {}
    for sample in run.samples:
        for session in sample:
            if session["dialerLoggedIn"] and session["campaigns"]:
                seen.setdefault(session["userId"], set()).add(frozenset(session["campaigns"]))
    assert set(seen) == set(AGENT_CAMPAIGNS)
    for agent, campaigns in AGENT_CAMPAIGNS.items():
        chosen = frozenset(CAMPAIGN_IDS[name] for name in campaigns)
        assert all(joined <= chosen for joined in seen[agent]), agent
        assert chosen in seen[agent], agent
    worked = {(call["agent"], call["campaignName"]) for call in run.popped}
    assert all(name in AGENT_CAMPAIGNS[agent] for agent, name in worked), worked
    assert {agent for agent, _ in worked} == set(AGENT_CAMPAIGNS)


def test_ledger_when_run_ends_holds_each_popped_call_dispositioned_once_as_the_bot_chose(
    run: LocustRun,
) -> None:
    assert run.popped
    assert all(call["state"] == "dispositioned" for call in run.popped)
    assert all(call["dispositionCount"] == 1 for call in run.popped)
    bots = {call["interaction_id"]: call for call in run.bot_calls}
    assert len(bots) == len(run.bot_calls) == len(run.popped)
    for call in run.popped:
        bot = bots[call["interactionId"]]
        assert bot["agent"] == call["agent"]
        chosen = (bot["label"], bot["scheduled_time"], bot["scheduled_agent"])
        assert chosen == (call["label"], call["scheduledTime"], call["scheduledAgent"]), call
    assert {call["label"] for call in run.popped} <= set(LABELS)
    reconciliation = run.summary["reconciliation"]
    assert reconciliation["reconciles"] is True
    assert reconciliation["ledger_dispositioned"] == reconciliation["bot_dispositioned"] == len(run.popped)


def test_reschedules_when_offset_is_set_carry_epoch_seconds_and_the_agent_itself(run: LocustRun) -> None:
    rescheduled = [call for call in run.popped if call["scheduledTime"] is not None]
    assert len(rescheduled) >= 3
    for call in rescheduled:
        assert isinstance(call["scheduledTime"], int)
        ahead = call["scheduledTime"] - call["dispositionedAt"]
        assert OFFSET_LOW - 1 <= ahead <= OFFSET_HIGH + 1, call
        assert call["scheduledAgent"] == call["agent"]
    assert run.summary["calls"]["rescheduled"] == len(rescheduled)


def test_callbacks_when_rescheduled_for_self_come_back_to_the_scheduled_agent(run: LocustRun) -> None:
    by_id = {call["callId"]: call for call in run.ledger}
    callbacks = [call for call in run.popped if call["callbackOf"]]
    assert len(callbacks) >= 2
    for callback in callbacks:
        original = by_id[callback["callbackOf"]]
        assert callback["agent"] == original["scheduledAgent"] == original["agent"]
        assert callback["campaignName"] == original["campaignName"]
        assert callback["contactId"] == original["contactId"]
        assert callback["poppedAt"] >= original["scheduledTime"]
    assert {call["campaignName"] for call in callbacks} == {PREDICTIVE, POWER, PREVIEW}


def test_breaks_when_due_every_second_call_are_granted_and_ended(run: LocustRun) -> None:
    grants = run.count("break-grant")
    assert grants >= len(AGENT_CAMPAIGNS)
    assert run.count("POST /dialer/request-break") >= grants
    assert run.count("POST /dialer/end-break") >= grants - len(AGENT_CAMPAIGNS)


def test_locust_rows_when_run_ends_name_every_endpoint_without_ids_and_no_kpi(run: LocustRun) -> None:
    used = {
        "POST /connection",
        "PUT /connection/station",
        "POST /licenses",
        "GET /messaging/messages (sse)",
        "PUT /status/user-statuses",
        "DELETE /connection",
        "GET /configuration/users",
        "PUT /messaging/subscriptions/queues",
    } | (DIALER_ENDPOINTS - {"POST /dialer/request-form-definition"})
    assert run.row_names("ICWS") == used
    assert run.row_names() == used, "Dialer KPIs are botagent's own measurements, not Locust rows"
    for name in run.row_names():
        assert int(run.row("ICWS", name)["Request Count"]) > 0
    history = {(row["Type"], row["Name"]) for row in run.history if row["Name"] != "Aggregated"}
    assert history == {(row["Type"], row["Name"]) for row in run.stats if row["Name"] != "Aggregated"}
    assert {row["name"] for row in run.summary["kpis"]} == KPI_NAMES


def test_locust_aggregated_row_when_run_ends_is_the_sum_of_the_icws_rows(run: LocustRun) -> None:
    rows = [row for row in run.stats if row["Name"] != "Aggregated"]
    for column in ("Request Count", "Failure Count"):
        assert int(run.aggregated[column]) == sum(int(row[column]) for row in rows), column


def test_summary_counts_when_run_ends_equal_every_request_event_locust_got(run: LocustRun) -> None:
    events = Counter(e["name"] for events in run.requests.values() for e in events if e["type"] == "ICWS")
    kpis = Counter(e["name"] for events in run.requests.values() for e in events if e["type"] == "DIALER")
    assert {row["name"]: row["count"] for row in run.summary["endpoints"]} == dict(events)
    assert {row["name"]: row["count"] for row in run.summary["kpis"]} == dict(kpis)


def test_logoff_when_plan_ends_on_a_call_is_asked_before_disposition_and_a_new_shift_follows(
    run: LocustRun,
) -> None:
    events = run.events_by_agent()
    assert set(events) == set(AGENT_CAMPAIGNS)
    for agent, agent_events in events.items():
        windows = logoff_windows(agent_events)
        dispositions = [call["dispositionedAt"] for call in run.popped if call["agent"] == agent]
        inside = [sum(1 for at in dispositions if start < at < end) for start, end in windows]
        assert max(inside) == 1 and inside.count(1) >= 1, (agent, inside)
        shifts = sum(1 for event in agent_events if event["name"] == "POST /connection")
        assert shifts >= 2 and shifts >= len(windows), agent


def test_sessions_when_locust_exits_are_all_closed(run: LocustRun) -> None:
    assert run.sessions_after == []
    assert run.count("DELETE /connection") == run.count("POST /connection") > len(AGENT_CAMPAIGNS)
