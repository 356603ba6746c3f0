"""One Locust run of agents against a mock whose campaigns test the official Dialer pages: a stopped
campaign beside a running one (official log-in page), a campaign that forbids agent-owned callbacks
(official disposition page) and a preview campaign whose previews may be skipped and time out
(official disposition and place-preview-call pages).

lead01 and lead02 hold the Logon Campaign right and choose every campaign; plain01 and plain02 lack
it. The 01 agents may work the predictive and the stopped power campaign, the 02 agents the preview and
the stopped power campaign. Everyone reschedules half of the calls for themselves and skips half of
the skippable previews.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from locust_rig import (
    CAMPAIGN_IDS,
    POWER,
    PREDICTIVE,
    PREVIEW,
    LocustRun,
    campaign,
    run_locust,
    scenario,
    write_profile,
)

from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

SKIP = "Skipped - Agent Skip"
AGENTS = ["lead01", "lead02", "plain01", "plain02"]
LABELS = [
    {"label": "Sale", "wrap_up_category": "Success"},
    {"label": "Callback", "wrap_up_category": "Scheduled"},
    {"label": SKIP, "wrap_up_category": "Skipped"},
]
SCENARIO = scenario(
    campaigns=[
        campaign(PREDICTIVE, "predictive", allow_agent_callbacks=False),
        campaign(POWER, "power", status="off"),
        campaign(PREVIEW, "preview", allow_skip=True, preview_timeout=2.0, dispositions=LABELS),
    ],
    users=[
        {"names": ["lead01"], "has_logon_campaign_right": True, "campaigns": [PREDICTIVE, POWER]},
        {"names": ["lead02"], "has_logon_campaign_right": True, "campaigns": [PREVIEW, POWER]},
        {"names": ["plain01"], "campaigns": [PREDICTIVE, POWER]},
        {"names": ["plain02"], "campaigns": [PREVIEW, POWER]},
    ],
)
PROFILE = {
    "name": "official",
    "campaigns": [],
    "behaviour": {
        "talk_time": {"kind": "uniform", "low": 0.2, "high": 0.4},
        "preview_think_time": {"kind": "uniform", "low": 0.2, "high": 3.0},
        "wrap_up_time": 0.1,
        "dispositions": {"any": 1},
        "reschedule": {
            "probability": 0.5,
            "offset": {"kind": "uniform", "low": 1, "high": 2},
            "agent": "self",
        },
        "preview": {"skip_probability": 0.5},
        "logoff": {"after_calls": 4, "scope": "campaigns"},
    },
    "timeouts": {"request": 5, "pop": 20, "logoff_grant": 20},
    "on_error": {"policy": "stop"},
    "thresholds": {"error_ratio": 0, "rule_violations": 0, "ledger_reconciles": True},
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocustRun]:
    out: Path = tmp_path_factory.mktemp("official")
    profile = write_profile(out, PROFILE, agents=AGENTS)
    with MockServer(SCENARIO) as mock:
        yield run_locust(mock, profile, out, users=len(AGENTS), run_time=15)


def test_locust_run_when_campaigns_stop_forbid_callbacks_and_allow_skips_ends_clean(run: LocustRun) -> None:
    """Every request succeeds: no 403 for a stopped campaign, no 400 agentCallbacksNotAllowed, no 400
    for a skip — official log-in and disposition pages."""
    assert run.returncode == 0, run.describe()
    assert run.summary_failures == 0, run.describe()
    assert run.summary["step_errors_total"] == 0, run.summary["step_errors"]
    assert run.summary["rule_violations_total"] == 0, run.summary["rule_violations"]
    assert run.summary["reconciliation"]["lost"] == [] and run.summary["reconciliation"]["mismatched"] == []


def test_stopped_campaign_when_chosen_by_every_agent_is_never_worked(run: LocustRun) -> None:
    """log-in: only running campaigns are logged in to — official log-in page."""
    for sample in run.samples:
        for session in sample:
            assert CAMPAIGN_IDS[POWER] not in session["campaigns"], session
    assert {call["campaignName"] for call in run.popped} == {PREDICTIVE, PREVIEW}
    assert {call["agent"] for call in run.popped} == set(AGENTS)


def test_reschedules_when_the_campaign_forbids_agent_callbacks_have_no_owner(run: LocustRun) -> None:
    """disposition: scheduledAgent only where allowAgentCallbacks is true; scheduledTime only with a
    "Scheduled" label — official disposition page."""
    rescheduled = [call for call in run.popped if call["scheduledTime"] is not None]
    assert {call["campaignName"] for call in rescheduled} == {PREDICTIVE, PREVIEW}
    assert all(call["label"] == "Callback" for call in rescheduled)
    for call in rescheduled:
        owned = call["scheduledAgent"] is not None
        assert owned is (call["campaignName"] == PREVIEW), call


def test_previews_when_skipped_are_never_placed_and_the_rest_are(run: LocustRun) -> None:
    """disposition: "Skipped - Agent Skip" skips a previewPop with allowSkip — official disposition page;
    the others are placed by the agent or, past previewTimeout, by its timer (place-preview-call). A
    preview still unread when the run stops is skipped too, never dispositioned as a talked call."""
    previews = [call for call in run.popped if call["kind"] == "previewPop" and call["dispositionCount"]]
    skipped = [call for call in previews if call["label"] == SKIP]
    assert skipped and len(skipped) < len(previews)
    assert all(call["placedAt"] is None for call in skipped)
    assert all(call["placedAt"] is not None for call in previews if call["label"] != SKIP)
    assert all(call["label"] != SKIP for call in run.popped if call["kind"] == "dataPop")
