"""The checked-in profiles and JSON schema, and the public surface of botagent.profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import botagent
import botagent.profile as profile_module
from botagent.mock import Scenario, load_scenario
from botagent.profile import (
    Lognormal,
    Profile,
    default_profile_path,
    load_profile,
    packaged_profile_path,
    profile_json_schema,
    render_schema,
)

PROFILES = Path(__file__).resolve().parents[2] / "profiles"
SCHEMA = PROFILES / "profile.schema.json"
REGENERATE = "python -m botagent.profile > profiles/profile.schema.json"


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.yaml")), ids=lambda path: path.name)
def test_profile_file_when_loaded_is_valid_and_named_after_file(path: Path) -> None:
    profile = load_profile(path)
    assert profile.name == path.stem
    assert profile.target == "mock"
    assert profile.thresholds.rule_violations == 0
    assert profile.thresholds.ledger_reconciles


def test_profiles_folder_when_listed_has_the_four_documented_profiles() -> None:
    assert {path.stem for path in PROFILES.glob("*.yaml")} >= {"smoke", "load", "soak", "preview"}


OFFICIAL_BEHAVIOUR_PROFILES = ("stopped-campaign", "no-agent-callbacks", "skippable-previews")
"""Profiles that run the official Dialer behaviours against a mock scenario beside them."""


def test_profiles_folder_when_listed_has_the_official_behaviour_profiles() -> None:
    assert {path.stem for path in PROFILES.glob("*.yaml")} >= set(OFFICIAL_BEHAVIOUR_PROFILES)


def _scenario_of(name: str) -> Scenario:
    profile = load_profile(PROFILES / f"{name}.yaml")
    assert profile.mock_scenario is not None
    assert profile.mock_scenario.parent == PROFILES / "scenarios"
    return load_scenario(profile.mock_scenario)


@pytest.mark.parametrize("name", OFFICIAL_BEHAVIOUR_PROFILES)
def test_official_behaviour_profile_when_loaded_names_a_valid_scenario_with_its_users(name: str) -> None:
    profile = load_profile(PROFILES / f"{name}.yaml")
    users = _scenario_of(name).user_table

    assert all(identity.username in users for identity in profile.identities.expand())


def test_stopped_campaign_profile_when_loaded_chooses_a_stopped_and_a_running_campaign() -> None:
    """log-in: agents with the Logon Campaign right join only running campaigns — official log-in page."""
    profile = load_profile(PROFILES / "stopped-campaign.yaml")
    scenario = _scenario_of("stopped-campaign")
    status = {campaign.name: campaign.status for campaign in scenario.campaigns}

    assert {status[name] for name in profile.campaigns} == {"on", "off"}
    assert all(user.has_logon_campaign_right for user in scenario.user_table.values())
    assert profile.behaviour.logoff.scope == "campaigns"


def test_no_agent_callbacks_profile_when_loaded_reschedules_for_itself_where_callbacks_are_forbidden() -> (
    None
):
    """disposition: scheduledAgent needs the pop's allowAgentCallbacks — official disposition page."""
    reschedule = load_profile(PROFILES / "no-agent-callbacks.yaml").behaviour.reschedule
    forbidding = [c for c in _scenario_of("no-agent-callbacks").campaigns if not c.allow_agent_callbacks]

    assert reschedule.probability > 0 and reschedule.agent == "self"
    assert forbidding
    scheduled = {d.label for d in forbidding[0].dispositions if d.wrap_up_category == "Scheduled"}
    assert reschedule.labels is not None and set(reschedule.labels) <= scheduled


def test_skippable_previews_profile_when_loaded_skips_previews_the_scenario_lets_it_skip() -> None:
    """disposition: "Skipped - Agent Skip" for a previewPop whose allowSkip is true — official
    disposition page."""
    profile = load_profile(PROFILES / "skippable-previews.yaml")
    (campaign,) = _scenario_of("skippable-previews").campaigns

    assert 0 < profile.behaviour.preview.skip_probability < 1
    assert campaign.mode == "preview" and campaign.allow_skip
    assert "Skipped - Agent Skip" in {d.label for d in campaign.dispositions}
    assert campaign.preview_timeout is not None
    assert profile.behaviour.preview_think_time.mean() < campaign.preview_timeout


def test_packaged_smoke_profile_when_compared_with_profiles_smoke_yaml_is_the_same_file() -> None:
    packaged = default_profile_path()
    assert packaged.read_bytes() == (PROFILES / "smoke.yaml").read_bytes(), (
        f"{packaged} and profiles/smoke.yaml differ: edit one, then copy it over the other"
    )


def test_packaged_campaign_smoke_profile_when_compared_with_profiles_copy_is_the_same_file() -> None:
    packaged = packaged_profile_path("campaign-smoke.yaml")
    assert packaged.read_bytes() == (PROFILES / "campaign-smoke.yaml").read_bytes(), (
        f"{packaged} and profiles/campaign-smoke.yaml differ: edit one, then copy it over the other"
    )


def test_campaign_smoke_profile_when_loaded_is_short_and_leaves_the_campaign_to_botagent_smoke() -> None:
    smoke = load_profile(PROFILES / "campaign-smoke.yaml")
    assert smoke.load.users <= 5 and smoke.load.run_time <= 120
    assert smoke.campaigns == [] and smoke.thresholds.campaigns == {}
    assert smoke.identities.expand()[0].username == "campaignagent0001"


def test_default_profile_path_when_resolved_is_the_smoke_profile_inside_the_package() -> None:
    path = default_profile_path()
    assert path == Path(botagent.__file__).parent / "profiles" / "smoke.yaml"
    assert path.is_absolute() and path.is_file()
    assert load_profile(path).name == "smoke"


def test_smoke_profile_when_loaded_is_short_and_cycles_agents() -> None:
    smoke = load_profile(PROFILES / "smoke.yaml")
    assert smoke.load.users <= 10
    assert 30 <= smoke.load.run_time <= 45
    assert smoke.behaviour.talk_time.mean() <= 3
    assert smoke.behaviour.logoff.after_calls is not None
    assert smoke.behaviour.reschedule.probability > 0
    assert smoke.behaviour.breaks.every_calls is not None
    assert smoke.on_error.policy == "restart"
    assert smoke.thresholds.error_ratio == 0


def test_soak_profile_when_loaded_uses_lognormal_times_and_short_callbacks() -> None:
    soak = load_profile(PROFILES / "soak.yaml")
    assert isinstance(soak.behaviour.talk_time, Lognormal)
    assert isinstance(soak.behaviour.wrap_up_time, Lognormal)
    assert soak.load.run_time >= 3600
    assert soak.behaviour.reschedule.offset.mean() < soak.load.run_time / 10
    assert soak.behaviour.status_changes.probability > 0


def test_preview_profile_when_loaded_targets_preview_campaign_with_campaign_agents() -> None:
    preview = load_profile(PROFILES / "preview.yaml")
    assert preview.campaigns == ["Preview Callbacks"]
    usernames = [identity.username for identity in preview.identities.expand()]
    assert usernames[0] == "campaignagent0001"
    assert usernames[-1] == "campaignagent0100"
    assert "preview-connect" in preview.thresholds.kpis


def test_load_profile_when_ramping_many_agents_uses_sse_and_percentiles() -> None:
    load = load_profile(PROFILES / "load.yaml")
    assert load.load.users >= 100
    assert load.messaging.mode == "sse"
    assert load.thresholds.endpoints["*"].p95 is not None


def test_json_schema_when_checked_in_matches_the_models() -> None:
    checked_in = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert checked_in == profile_json_schema(), f"profiles/profile.schema.json is stale; run: {REGENERATE}"
    assert SCHEMA.read_text(encoding="utf-8") == render_schema(), f"formatting differs; run: {REGENERATE}"


def test_json_schema_when_generated_describes_fields_and_forbids_extra_keys() -> None:
    schema = profile_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert all("description" in field for field in schema["properties"].values())
    assert all(model.get("additionalProperties") is False for model in schema["$defs"].values())


def test_json_schema_when_generated_accepts_durations_as_text() -> None:
    run_time = profile_json_schema()["$defs"]["Load"]["properties"]["run_time"]
    assert {option["type"] for option in run_time["anyOf"]} == {"number", "string"}


def test_public_api_when_listed_is_sorted_and_complete() -> None:
    exported = profile_module.__all__
    assert exported == sorted(exported)
    assert all(hasattr(profile_module, name) for name in exported)
    public = {name for name in vars(profile_module) if not name.startswith("_")}
    assert public - set(exported) <= {"annotations"}
    assert Profile.__module__.startswith("botagent.profile")


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.yaml")), ids=lambda path: path.name)
def test_json_schema_when_checking_a_profile_file_accepts_it(path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(profile_json_schema()).iter_errors(data))
    assert errors == []


def test_json_schema_when_checking_a_bad_profile_rejects_it() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(profile_json_schema())
    assert not validator.is_valid({"load": {"userz": 1}})
    assert not validator.is_valid({"thresholds": {"endpoints": {"POST /nope": {}}}})
    assert not validator.is_valid({"load": {"run_time": "10 minutes"}})
    assert validator.is_valid({"load": {"run_time": "1h30m"}, "behaviour": {"talk_time": 3}})


def test_blended_profile_when_loaded_picks_up_acd_work_its_scenario_alerts_it_with() -> None:
    """R33: a blended profile's agents are members of a scenario workgroup with inbound arrivals."""
    profile = load_profile(PROFILES / "blended.yaml")
    scenario = _scenario_of("blended")
    users = scenario.user_table
    (workgroup,) = scenario.workgroups

    assert profile.behaviour.blended.enabled and profile.behaviour.calls.watch_queue
    assert workgroup.arrivals_per_minute > 0
    assert all(workgroup.name in users[i.username].workgroups for i in profile.identities.expand())
