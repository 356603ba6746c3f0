"""`botagent smoke CAMPAIGN`: a bounded run of a few agents on one campaign, yes or no with a reason.

The three default campaigns are smoked at once against the embedded mock, a fourth smoke runs
against a mock whose "Power Collections" a supervisor stopped through ``/mock/campaigns``, and a fifth
against a mock that stops it while the agent's messages are late (a ``message_delay`` fault): the
agent still reads it as running and logs in to it, which Dialer refuses.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from cli_rig import BackgroundRun, FinishedRun, run_botagent

from botagent.mock import default_scenario
from botagent.mock.server import MockServer

pytestmark = pytest.mark.slow

DEFAULT_CAMPAIGNS = ("Predictive Sales", "Power Collections", "Preview Callbacks")
STOPPED = "stopped"
REFUSED = "refused"
MESSAGE_DELAY = 3.0
"""Seconds the refused smoke's messages are late: the window in which the campaign is stopped."""


def _stop_once_logged_in(mock: MockServer, campaign: str, deadline: float) -> None:
    """Stop ``campaign`` as soon as an agent is logged in to Dialer (its messages are still late)."""
    with httpx.Client(base_url=mock.base_url) as client:
        while time.monotonic() < deadline:
            if any(session["dialerLoggedIn"] for session in client.get("/mock/sessions").json()):
                client.post(f"/mock/campaigns/{campaign}", json={"status": "off"}).raise_for_status()
                return
            time.sleep(0.05)


@pytest.fixture(scope="module")
def smokes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, FinishedRun]]:
    """Each default campaign's smoke (12 s), and the smoke of a stopped campaign (8 s), run together."""
    folder = tmp_path_factory.mktemp("smokes")
    with MockServer(default_scenario()) as mock, MockServer(default_scenario()) as late:
        stopped = httpx.post(f"{mock.base_url}/mock/campaigns/Power Collections", json={"status": "off"})
        assert stopped.status_code == 200, stopped.text
        fault = {"kind": "message_delay", "seconds": MESSAGE_DELAY}
        assert httpx.post(f"{late.base_url}/mock/faults", json=fault).status_code == 201
        stopper = threading.Thread(
            target=_stop_once_logged_in, args=(late, "Power Collections", time.monotonic() + 60)
        )
        stopper.start()
        started: dict[str, tuple[BackgroundRun, Path]] = {}
        for index, name in enumerate(DEFAULT_CAMPAIGNS):
            reports = folder / f"campaign{index}"
            started[name] = BackgroundRun("smoke", name, "-t", "12s", "--reports", str(reports)), reports
        reports = folder / STOPPED
        smoke = BackgroundRun(
            "smoke", "Power Collections", "--target", mock.base_url, "-t", "8s", "--reports", str(reports)
        )
        started[STOPPED] = smoke, reports
        reports = folder / REFUSED
        smoke = BackgroundRun(
            "smoke",
            "Power Collections",
            "--target",
            late.base_url,
            "-u",
            "1",
            "-t",
            "10s",
            "--reports",
            str(reports),
        )
        started[REFUSED] = smoke, reports
        finished = {
            name: FinishedRun(run.finish(timeout=180), reports) for name, (run, reports) in started.items()
        }
        stopper.join(60)
        yield finished


def _result_line(run: FinishedRun) -> str:
    return next(line for line in run.result.stdout.splitlines() if line.startswith("RESULT: "))


@pytest.mark.parametrize("campaign", DEFAULT_CAMPAIGNS)
def test_smoke_when_a_default_campaign_runs_passes_and_names_it(
    smokes: dict[str, FinishedRun], campaign: str
) -> None:
    """log-in: agents with the Logon Campaign right log in to the chosen campaign only (official
    log-in page; R15), and it pops them calls."""
    run = smokes[campaign]
    assert run.result.returncode == 0, run.explain()
    assert _result_line(run).startswith(f"RESULT: PASS, all 8 thresholds passed; campaign {campaign}: ")
    (seen,) = run.summary["campaigns"]
    assert seen["name"] == campaign and seen["popped"] >= 1 and seen["login_refusals"] == {}
    assert seen["dispositioned"] == seen["popped"] and seen["log_ins"] >= 3
    assert [k["name"] for k in seen["kpis"]][:1] == ["wait-for-pop"]
    if campaign == "Preview Callbacks":
        assert seen["placed"] >= 1 and "preview-connect" in [k["name"] for k in seen["kpis"]]
    suites = {suite.get("name") for suite in ET.parse(run.reports / "junit.xml").getroot()}
    assert f"campaign {campaign}" in suites
    ran = yaml.safe_load((run.reports / "smoke-profile.yaml").read_text())
    assert (ran["campaigns"], list(ran["thresholds"]["campaigns"])) == ([campaign], [campaign])


def test_smoke_when_the_campaign_was_stopped_through_the_mock_fails_with_exit_1_and_the_reason(
    smokes: dict[str, FinishedRun],
) -> None:
    """A campaign that does not run pops no calls and refuses log-ins (the mock's campaign control;
    official log-in page: campaignLogonError CampaignStopping); the agents never try to log in to it."""
    run = smokes[STOPPED]
    assert run.result.returncode == 1, run.explain()
    assert _result_line(run).startswith("RESULT: FAIL, campaign Power Collections: 0 calls popped in 8 s")
    checks = {t["name"]: t for t in run.summary["thresholds"]}
    assert checks["campaign Power Collections calls >= 1"]["passed"] is False
    assert checks["campaign Power Collections log-in refusals <= 0"]["passed"] is True
    assert "Traceback" not in run.result.stderr


def test_smoke_when_dialer_refuses_the_campaign_login_fails_with_exit_1_naming_the_logon_error(
    smokes: dict[str, FinishedRun],
) -> None:
    """log-in: a campaign that stopped refuses a log-in with 403 campaignLogonError, logonError 3
    (CampaignStopping) — official log-in page; the agent logged in while its news of the stop was late."""
    run = smokes[REFUSED]
    assert run.result.returncode == 1, run.explain()
    assert _result_line(run).startswith(
        "RESULT: FAIL, campaign Power Collections: log-in refused (CampaignStopping"
    )
    (seen,) = run.summary["campaigns"]
    assert seen["name"] == "Power Collections" and seen["login_refusals"]["CampaignStopping"] >= 1
    refusals = [e for e in run.summary["step_errors"] if e["step"] == "POST /dialer/log-in"]
    assert refusals and refusals[0]["campaign"] == "Power Collections" and refusals[0]["status"] == 403


def test_smoke_when_the_mock_has_no_such_campaign_exits_2_with_a_did_you_mean(tmp_path: Path) -> None:
    result = run_botagent("smoke", "Predictive Sale", "-t", "5s", "--reports", str(tmp_path / "r"))
    assert result.returncode == 2, result.stderr
    assert (
        "thresholds.campaigns['Predictive Sale']: no such campaign in the mock's scenario; "
        "did you mean 'Predictive Sales'?"
    ) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_smoke_when_the_identities_file_is_missing_exits_2_naming_the_field(tmp_path: Path) -> None:
    result = run_botagent("smoke", "Predictive Sales", "--identities", str(tmp_path / "none.csv"))
    assert result.returncode == 2
    missing = tmp_path / "none.csv"
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "botagent: bad smoke options:"
    assert f'identities.file: no such file: {missing} (got "' in lines[1]
    assert len(lines) == 2
    assert not (tmp_path / "reports").exists()


def test_smoke_when_the_campaign_is_empty_exits_2_with_one_line() -> None:
    result = run_botagent("smoke", " ")
    assert result.returncode == 2
    assert "a campaign name or id is needed" in result.stderr
    assert "Traceback" not in result.stderr


def test_smoke_when_the_run_time_is_bad_exits_2_naming_the_field_and_writes_nothing(tmp_path: Path) -> None:
    result = run_botagent("smoke", "Predictive Sales", "-t", "soon", "--reports", str(tmp_path / "r"))
    assert result.returncode == 2
    assert 'load.run_time: expected seconds (90) or a duration such as "90s"' in result.stderr
    assert not (tmp_path / "r").exists()
