"""`botagent smoke CAMPAIGN`: a bounded run of a few agents on one campaign, yes or no with a reason.

The three default campaigns are smoked at once against the embedded mock, and a fourth smoke runs
against a mock whose "Power Collections" a supervisor stopped through ``/mock/campaigns``.
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def smokes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, FinishedRun]]:
    """Each default campaign's smoke (12 s), and the smoke of a stopped campaign (8 s), run together."""
    folder = tmp_path_factory.mktemp("smokes")
    with MockServer(default_scenario()) as mock:
        stopped = httpx.post(f"{mock.base_url}/mock/campaigns/Power Collections", json={"status": "off"})
        assert stopped.status_code == 200, stopped.text
        started: dict[str, tuple[BackgroundRun, Path]] = {}
        for index, name in enumerate(DEFAULT_CAMPAIGNS):
            reports = folder / f"campaign{index}"
            started[name] = BackgroundRun("smoke", name, "-t", "12s", "--reports", str(reports)), reports
        reports = folder / STOPPED
        smoke = BackgroundRun(
            "smoke", "Power Collections", "--target", mock.base_url, "-t", "8s", "--reports", str(reports)
        )
        started[STOPPED] = smoke, reports
        yield {
            name: FinishedRun(run.finish(timeout=180), reports) for name, (run, reports) in started.items()
        }


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
    assert f'identities.file: no such file: {missing} (got "{missing}")' in lines[1]
    assert len(lines) == 2
    assert not (tmp_path / "reports").exists()


def test_smoke_when_the_campaign_is_empty_exits_2_with_one_line() -> None:
    result = run_botagent("smoke", " ")
    assert result.returncode == 2
    assert "a campaign name or id is needed" in result.stderr
    assert "Traceback" not in result.stderr
