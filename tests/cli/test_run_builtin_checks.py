"""`botagent run` fails a run that did nothing, whatever its profile's thresholds: a wrong password (no
agent ever logs in to Dialer) or campaigns that never pop a call exit non-zero with a result line naming
the cause; a profile that expects no calls says so with ``thresholds.expect_calls: false``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_rig import SECRET, run_botagent, smoke_profile

pytestmark = pytest.mark.slow

USERS = 3
NO_THRESHOLDS = {"rule_violations": None, "ledger_reconciles": False}
"""A profile that sets no limit of its own: only the built-in checks can fail it."""


def profile_with(folder: Path, campaigns_on: bool = True, **changes: Any) -> Path:
    """A short smoke profile (3 agents, 6 s) with ``changes``; its mock's campaigns on or off."""
    path = smoke_profile(folder, users=USERS, run_time="6s", **changes)
    if not campaigns_on:
        scenario_path = folder / "scenario.yaml"
        scenario = yaml.safe_load(scenario_path.read_text())
        names = ("Predictive Sales", "Power Collections", "Preview Callbacks")
        scenario["campaigns"] = [{"name": name, "mode": "power", "status": "off"} for name in names]
        scenario_path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    return path


def run(profile: Path) -> tuple[int, str, dict[str, Any]]:
    """Run the profile; return the exit code, what it printed, and summary.json."""
    reports = profile.parent / "reports"
    result = run_botagent("run", str(profile), "--reports", str(reports), timeout=120)
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    return result.returncode, result.stdout + result.stderr, summary


def test_run_when_every_password_is_wrong_exits_1_naming_the_refused_connection(tmp_path: Path) -> None:
    identities = yaml.safe_load(smoke_profile(tmp_path).read_text())["identities"]
    profile = profile_with(tmp_path, identities={**identities, "password": "not-" + SECRET}, thresholds={})

    code, output, summary = run(profile)

    assert code == 1, output
    line = r"^RESULT: FAIL, no agent logged in to Dialer: POST /connection failed (\d+) of \1 \(HTTP 401\); "
    assert re.search(line, output, re.M), output
    builtins = {t["name"]: t for t in summary["thresholds"] if t["builtin"]}
    assert not builtins["Dialer log-ins >= 1"]["passed"]
    assert not builtins["no endpoint failed every request"]["passed"]
    assert "Traceback" not in output and SECRET not in output


def test_run_when_no_campaign_pops_a_call_exits_1_saying_no_call_was_dispositioned(tmp_path: Path) -> None:
    code, output, summary = run(profile_with(tmp_path, campaigns_on=False, thresholds=NO_THRESHOLDS))

    assert code == 1, output
    assert re.search(r"^RESULT: FAIL, no call was dispositioned \(0 popped, 3 agents; ", output, re.M), output
    failed = [t["name"] for t in summary["thresholds"] if not t["passed"]]
    assert failed == ["calls dispositioned >= 1"]


def test_run_when_no_call_pops_and_the_profile_expects_none_passes(tmp_path: Path) -> None:
    thresholds = {**NO_THRESHOLDS, "expect_calls": False}
    code, output, summary = run(profile_with(tmp_path, campaigns_on=False, thresholds=thresholds))

    assert code == 0, output
    assert summary["calls"]["dispositioned"] == 0
    assert [t["name"] for t in summary["thresholds"]] == [
        "Dialer log-ins >= 1",
        "no endpoint failed every request",
    ]
