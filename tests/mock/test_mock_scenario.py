"""Scenario schema: the default scenario, YAML files, and the errors a bad file gives."""

from __future__ import annotations

import random
import textwrap
import uuid
from pathlib import Path

import pytest

from botagent.mock import ScenarioError, campaign_id_for, default_scenario, load_scenario, scenario_from_dict
from botagent.mock._state import World
from botagent.wire import BotagentError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_default_scenario_when_built_has_three_modes_and_5100_users() -> None:
    scenario = default_scenario()
    assert [(c.name, c.mode) for c in scenario.campaigns] == [
        ("Predictive Sales", "predictive"),
        ("Power Collections", "power"),
        ("Preview Callbacks", "preview"),
    ]
    for campaign in scenario.campaigns:
        assert len(campaign.dispositions) >= 4
        assert "Callback" in [d.label for d in campaign.dispositions]
        assert campaign.id == campaign_id_for(campaign.name)
    users = scenario.user_table
    assert len(users) == 5100
    assert users["agent0001"].has_logon_campaign_right is False
    assert users["agent5000"].password == "botagent"
    assert users["campaignagent0100"].has_logon_campaign_right is True
    assert set(users["agent2500"].campaign_ids) == {c.id for c in scenario.campaigns}


def test_campaign_id_when_derived_is_stable_guid_like() -> None:
    assert campaign_id_for("Power Collections") == campaign_id_for("Power Collections")
    assert len(campaign_id_for("x").split("-")) == 5


def test_call_ids_are_the_seeds_version_4_guids_in_upper_case() -> None:
    """Call ids are version 4 GUIDs drawn from the scenario's seed: the same seed, the same ids."""
    scenario = default_scenario()
    world, bits = World(scenario), random.Random(scenario.seed)
    for _ in range(1000):
        expected = str(uuid.UUID(int=bits.getrandbits(128), version=4)).upper()
        assert world.new_guid() == expected


def test_load_scenario_when_file_valid_reads_every_section(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        ic_server: test-ic
        session_idle_expiry: 60
        initial_status: Available
        campaigns:
          - name: Sales
            mode: predictive
            answer_rate: 0.8
            status: off
            dispositions:
              - {label: Sold, wrap_up_category: Success}
              - {label: Later, wrap_up_category: Scheduled}
        users:
          - pattern: "bot{n:03d}"
            range: [1, 20]
            campaigns: [Sales]
          - names: [lead]
            password: pw
            has_logon_campaign_right: true
        behaviour:
          status_put_code: 200
          after_disposition_status: null
        """,
    )
    scenario = load_scenario(path)
    assert (scenario.ic_server, scenario.session_idle_expiry, scenario.initial_status) == (
        "test-ic",
        60,
        "Available",
    )
    assert scenario.campaigns[0].status == "off"
    assert sorted(scenario.user_table)[:2] == ["bot001", "bot002"]
    assert scenario.user_table["lead"].password == "pw"
    assert scenario.behaviour.after_disposition_status is None


def test_load_scenario_when_file_bad_names_file_key_and_value(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        campaigns:
          - name: X
            mode: turbo
            answer_rate: 1.5
        users:
          - names: [a]
            campaigns: [Nowhere]
        surprise: 1
        """,
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert (
        f"{path}: campaigns.0.mode: Input should be 'predictive', 'power' or 'preview' (got 'turbo')" in lines
    )
    assert any(line.startswith(f"{path}: campaigns.0.answer_rate:") and "(got 1.5)" in line for line in lines)
    assert any(line.startswith(f"{path}: surprise: Extra inputs") for line in lines)


def test_load_scenario_when_reference_unknown_names_the_user_group(tmp_path: Path) -> None:
    path = _write(tmp_path, "users:\n  - names: [a]\n    campaigns: [Nowhere]\n")
    with pytest.raises(ScenarioError, match=r"users\.0\.campaigns: unknown campaign 'Nowhere'"):
        load_scenario(path)


def test_load_scenario_when_a_user_group_names_an_unknown_workgroup_says_which(tmp_path: Path) -> None:
    """R33 blended agents: a user group joins workgroups the scenario defines, by name."""
    users = "users:\n  - {names: [a], workgroups: [Sales]}\n"
    text = "workgroups:\n  - {name: Support, arrivals_per_minute: -1}\n" + users
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, text))
    lines = str(caught.value).splitlines()
    assert any("workgroups.0.arrivals_per_minute:" in line and "(got -1)" in line for line in lines)
    text = "workgroups:\n  - {name: Support}\n" + users
    with pytest.raises(
        ScenarioError, match=r"users\.0\.workgroups: 'Sales' is not in workgroups \['Support'\]"
    ):
        load_scenario(_write(tmp_path, text))


def test_load_scenario_when_file_missing_names_it(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="nope.yaml: cannot read scenario file"):
        load_scenario(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("text", "fragment"), [("a: [", "not valid YAML"), ("- 1\n- 2\n", "must be a mapping")]
)
def test_load_scenario_when_not_a_yaml_mapping_says_so(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ScenarioError, match=fragment):
        load_scenario(_write(tmp_path, text))


def test_load_scenario_when_contact_file_missing_names_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "campaigns:\n  - {name: X, mode: power, contacts: {file: gone.csv}}\n")
    with pytest.raises(ScenarioError, match=r"campaigns\.0\.contacts: cannot read contact file"):
        load_scenario(path)


def test_load_scenario_when_contact_file_lacks_phone_column_says_which(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("name\nAnn\n")
    path = _write(tmp_path, "campaigns:\n  - {name: X, mode: power, contacts: {file: c.csv}}\n")
    with pytest.raises(ScenarioError, match="has no column 'phone'"):
        load_scenario(path)


def test_scenario_error_when_raised_is_a_botagent_value_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "missing.yaml")
    assert isinstance(caught.value, BotagentError) and isinstance(caught.value, ValueError)


def test_scenario_when_statuses_lack_available_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "initial_status: Busy\nstatuses:\n  - {id: Busy}\nbehaviour: {after_disposition_status: null}\n",
    )
    with pytest.raises(ScenarioError, match="at least one status must be 'available'"):
        load_scenario(path)


def test_default_scenario_when_built_weights_its_campaigns_3_2_1() -> None:
    assert [c.weight for c in default_scenario().campaigns] == [3.0, 2.0, 1.0]


def test_load_scenario_when_pacing_outcome_and_callback_knobs_given_reads_them(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        campaigns:
          - name: Sales
            mode: predictive
            priority: 2
            weight: 3
            max_lines: 40
            abandon_target: 0.02
            abandon_grace: 2.5
            dial_delay: {kind: uniform, low: 0.5, high: 1.5}
            ring_delay: {kind: lognormal, median: 8, p95: 20}
            outcomes: {answered: 0.3, no_answer: 0.5, busy: 0.1, machine: 0.05, fax: 0.03, sit: 0.02}
            outcome_delays: {no_answer: 25, busy: {kind: normal, mean: 3, stddev: 1, min: 1}}
            machine_detection: false
            callbacks: {owner_window: 600, fallback: expire, on_time: 30, follow_up: campaign}
            contacts: {utc_offset: -5}
        """,
    )
    spec = load_scenario(path).campaigns[0]
    assert (spec.priority, spec.weight, spec.max_lines, spec.abandon_target) == (2, 3.0, 40, 0.02)
    assert (spec.dial_delay.average(), spec.outcome_delays.no_answer.average()) == (1.0, 25.0)  # type: ignore[union-attr]
    assert spec.outcomes is not None and spec.outcomes.fax == 0.03
    assert (spec.callbacks.owner_window, spec.callbacks.fallback, spec.contacts.utc_offset) == (
        600,
        "expire",
        -5,
    )


def test_scenario_when_delays_are_plain_numbers_serves_them_back_as_numbers() -> None:
    """``GET /mock/scenario`` keeps the shape older scenario files have: a bare number of seconds."""
    campaign = default_scenario().model_dump(mode="json")["campaigns"][0]
    assert (campaign["dial_delay"], campaign["ring_delay"]) == (0.5, 1.0)
    assert scenario_from_dict({"campaigns": [campaign]}).campaigns[0].dial_delay.average() == 0.5


@pytest.mark.parametrize(
    ("knob", "fragment"),
    [
        ("ring_delay: {median: 3}", "a delay needs a kind"),
        ("ring_delay: {kind: uniform, low: 5, high: 1}", "high must be >= low"),
        ("outcomes: {answered: 0}", "at least one outcome needs a rate above zero"),
        ("callbacks: {fallback: later}", "callbacks.fallback"),
        ("weight: 0", "weight"),
    ],
)
def test_load_scenario_when_a_new_knob_is_wrong_names_it(tmp_path: Path, knob: str, fragment: str) -> None:
    path = _write(tmp_path, f"campaigns:\n  - name: X\n    mode: power\n    {knob}\n")
    with pytest.raises(ScenarioError, match=fragment):
        load_scenario(path)
