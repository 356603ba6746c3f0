"""Defaults, overrides and derived values of a profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from botagent.profile import (
    Constant,
    Profile,
    ProfileError,
    Uniform,
    deep_merge,
    load_profile,
)
from botagent.wire import (
    BotagentError,
    RemoteNumberSettings,
    RemoteWorkstationSettings,
    StationlessSettings,
    WorkstationSettings,
)

WriteProfile = Callable[[str], Path]


def test_load_profile_when_file_empty_gives_defaults_for_the_mock(write_profile: WriteProfile) -> None:
    profile = load_profile(write_profile(""))
    assert profile.name == "profile"
    assert profile.target == "mock"
    assert profile.mock_scenario is None
    assert (profile.application_name, profile.language) == ("botagent", "en-US")
    assert profile.tls.verify and profile.tls.ca_bundle is None
    assert profile.station is None and profile.station_settings() is None
    assert (profile.load.users, profile.load.spawn_rate, profile.load.processes) == (1, 1.0, 1)
    assert profile.load.run_time == 60.0
    assert profile.campaigns == []
    assert (profile.messaging.mode, profile.messaging.poll_interval) == ("sse", 1.0)
    assert profile.seed == 1


def test_load_profile_when_file_is_empty_mapping_equals_empty_file(write_profile: WriteProfile) -> None:
    assert load_profile(write_profile("{}\n")) == load_profile(write_profile("# only a comment\n"))


def test_profile_when_defaults_used_logs_on_as_mock_agents() -> None:
    identities = Profile().identities.expand()
    assert len(identities) == 5000
    assert identities[0].username == "agent0001"
    assert identities[-1].username == "agent5000"
    assert {identity.password for identity in identities} == {"botagent"}


def test_profile_when_defaults_used_behaviour_is_a_quick_smoke() -> None:
    behaviour = Profile().behaviour
    assert behaviour.talk_time == Uniform(low=2, high=5)
    assert behaviour.dispositions == {"any": 1.0}
    assert behaviour.reschedule.probability == 0 and behaviour.reschedule.agent == "self"
    assert behaviour.reschedule.offset == Constant(value=60)
    assert behaviour.reschedule.labels is None, "the call's own Scheduled labels"
    assert behaviour.preview.skip_probability == 0
    assert behaviour.breaks.every_calls is None and behaviour.breaks.probability == 0
    assert behaviour.status_changes.status == "Do Not Disturb"
    assert behaviour.logoff.after_calls is None and behaviour.logoff.scope == "all"


def test_profile_when_defaults_used_timeouts_and_error_policy_are_set() -> None:
    profile = Profile()
    timeouts = profile.timeouts
    assert (timeouts.request, timeouts.pop, timeouts.session_open) == (10.0, 60.0, 10.0)
    assert (timeouts.break_grant, timeouts.logoff_grant) == (120.0, 120.0)
    assert (profile.on_error.policy, profile.on_error.pause) == ("restart", 5.0)


def test_profile_when_defaults_used_thresholds_check_rules_and_ledger_only() -> None:
    thresholds = Profile().thresholds
    assert not thresholds.abort_on_fail
    assert thresholds.endpoints == {} and thresholds.kpis == {}
    assert thresholds.error_ratio is None and thresholds.calls_per_agent.min is None
    assert thresholds.rule_violations == 0 and thresholds.ledger_reconciles


def test_profile_when_defaults_used_acquires_the_licences_a_dialer_agent_needs() -> None:
    """Client access and the Dialer Add-on licence, without which Dialer calls answer 403 (official
    ready-for-calls page); an empty list acquires none."""
    assert Profile().licences == ["I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON"]
    assert Profile(licences=[]).licences == []


def test_load_profile_when_name_given_keeps_it(write_profile: WriteProfile) -> None:
    assert load_profile(write_profile("name: nightly\n")).name == "nightly"


def test_load_profile_when_overrides_given_merges_them_once(write_profile: WriteProfile) -> None:
    path = write_profile(
        "load: {users: 3, spawn_rate: 2}\nbehaviour: {talk_time: {kind: uniform, low: 1, high: 2}}\n"
    )
    profile = load_profile(
        path,
        overrides={
            "load": {"users": 5},
            "target": "http://127.0.0.1:8019/",
            "behaviour": {"talk_time": {"kind": "constant", "value": 4}},
        },
    )
    assert (profile.load.users, profile.load.spawn_rate) == (5, 2.0)
    assert profile.target == "http://127.0.0.1:8019"
    assert profile.behaviour.talk_time == Constant(value=4)


def test_deep_merge_when_same_variant_merges_and_other_variant_replaces() -> None:
    base = {"a": {"kind": "uniform", "low": 1, "high": 2}, "b": {"x": 1, "y": 2}}
    assert deep_merge(base, {"a": {"high": 3}})["a"] == {"kind": "uniform", "low": 1, "high": 3}
    assert deep_merge(base, {"a": {"kind": "constant", "value": 1}})["a"] == {"kind": "constant", "value": 1}
    assert deep_merge(base, {"b": {"y": 3}})["b"] == {"x": 1, "y": 3}
    assert base["b"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    "target",
    ["mock", "http://127.0.0.1:8019", "https://cic.example.com:8019", "https://proxy.example.com/cic/api"],
)
def test_profile_when_target_is_mock_or_url_is_accepted(target: str) -> None:
    assert Profile(target=target).target == target


@pytest.mark.parametrize(
    ("station", "settings"),
    [
        ("{type: workstation, workstation: '7001'}", WorkstationSettings(workstation="7001")),
        (
            "{type: remote_workstation, workstation: ws1, remote_number: '100'}",
            RemoteWorkstationSettings(workstation="ws1", remote_number="100"),
        ),
        (
            "{type: remote_number, remote_number: '+15551234', persistent: true}",
            RemoteNumberSettings(remote_number="+15551234", persistent_connection=True),
        ),
        ("{type: stationless}", StationlessSettings()),
    ],
)
def test_station_settings_when_station_given_builds_icws_settings(
    load_text: Callable[[str], Profile], station: str, settings: object
) -> None:
    assert load_text(f"station: {station}\n").station_settings() == settings


def test_load_profile_when_processes_minus_one_means_every_core(load_text: Callable[[str], Profile]) -> None:
    assert load_text("load: {processes: -1, run_time: 1h30m}\n").load.processes == -1


def test_load_profile_when_run_time_text_is_parsed_to_seconds(load_text: Callable[[str], Profile]) -> None:
    assert load_text("load: {run_time: 1h30m}\n").load.run_time == 5400.0


def test_load_profile_when_relative_paths_given_resolves_against_profile_dir(
    write_profile: WriteProfile, tmp_path: Path
) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("{}\n", encoding="utf-8")
    profile = load_profile(write_profile("tls: {ca_bundle: ca.pem}\nmock_scenario: scenario.yaml\n"))
    assert profile.tls.ca_bundle == tmp_path / "ca.pem"
    assert profile.mock_scenario == tmp_path / "scenario.yaml"


def test_profile_when_loaded_is_read_only(write_profile: WriteProfile) -> None:
    profile = load_profile(write_profile(""))
    with pytest.raises(ValueError, match="frozen"):
        profile.load.users = 9  # type: ignore[misc]


def test_profile_error_when_imported_is_the_shared_botagent_value_error() -> None:
    assert issubclass(ProfileError, BotagentError)
    assert issubclass(ProfileError, ValueError)
    assert ProfileError.__module__ == "botagent.wire._errors"


def test_profile_when_switchover_unset_polls_nothing_and_runs_no_pair() -> None:
    """Switchover-status polling is off by default: it changes nothing an agent does and costs a
    request per agent per interval; the mock is stand-alone unless the profile asks for a pair."""
    profile = Profile()
    assert profile.switchover.poll_interval is None
    assert (profile.switchover.backoff, profile.switchover.backoff_max) == (0.5, 5.0)
    assert profile.switchover.ride_through == 120.0
    assert not profile.mock.pair
    assert Profile.model_validate({"mock": {"switchover_at": "15s"}}).mock.pair
