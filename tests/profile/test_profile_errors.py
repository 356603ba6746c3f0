"""Bad profiles: each problem is one ProfileError line naming the file and dotted key, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from botagent.profile import ENDPOINT_NAMES, KPI_NAMES, ProfileError, load_profile

Problem = Callable[[str], str]
WriteProfile = Callable[[str], Path]


def assert_clean(message: str) -> None:
    """A message for people: no traceback, no pydantic internals."""
    for noise in ("Traceback", 'File "', "errors.pydantic.dev", "validation error for", "input_type="):
        assert noise not in message


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("load: {userz: 5}\n", "load.userz", ["unknown key", "did you mean users?", "spawn_rate", "(got 5)"]),
        ("colour: blue\n", "colour", ["unknown key", "thresholds"]),
        ("load: {users: many}\n", "load.users", ["valid integer", '(got "many")']),
        ("load: {users: 0}\n", "load.users", ["greater than or equal to 1", "(got 0)"]),
        ("load: {processes: 0}\n", "load.processes", ["-1 for one per core"]),
        ("load: {run_time: 10 minutes}\n", "load.run_time", ['"1h30m"', '(got "10 minutes")']),
        ("load: 5\n", "load", ["valid dictionary", "(got 5)"]),
        ("target: ftp://cic.example.com\n", "target", ['"mock" or an http(s) base URL']),
        ("target: cic.example.com\n", "target", ["http(s) base URL"]),
        ("target: http://cic:99999\n", "target", ["Port out of range"]),
        ("target: http://cic/?a=1\n", "target", ["query"]),
        ("messaging: {mode: push}\n", "messaging.mode", ["'sse' or 'poll'", '(got "push")']),
        ("behaviour: {talk_time: -2}\n", "behaviour.talk_time", ["greater than or equal to 0", "(got -2)"]),
        ("behaviour: {talk_time: {low: 1, high: 2}}\n", "behaviour.talk_time", ["needs a kind", "uniform"]),
        ("behaviour: {talk_time: {kind: gauss}}\n", "behaviour.talk_time", ["'gauss'", "'lognormal'"]),
        (
            "behaviour: {wrap_up_time: {kind: uniform, low: 3, high: 2}}\n",
            "behaviour.wrap_up_time.high",
            ["high must be >= low (3)", "(got 2)"],
        ),
        (
            "behaviour: {talk_time: {kind: normal, mean: 3, stddev: 1, min: 5, max: 4}}\n",
            "behaviour.talk_time.max",
            ["max must be >= min (5)"],
        ),
        (
            "behaviour: {talk_time: {kind: lognormal, median: 60, p95: 30}}\n",
            "behaviour.talk_time.p95",
            ["p95 must be >= median"],
        ),
        (
            "behaviour: {breaks: {length: {kind: uniform, low: 1, high: 2, mode: 3}}}\n",
            "behaviour.breaks.length.mode",
            ["unknown key", "high, kind, low"],
        ),
        ("behaviour: {dispositions: {Sale: 0, Machine: 0}}\n", "behaviour.dispositions", ["above 0"]),
        ("behaviour: {dispositions: {Sale: -1}}\n", "behaviour.dispositions.Sale", ["greater than or equal"]),
        ("behaviour: {reschedule: {probability: 1.5}}\n", "behaviour.reschedule.probability", ["less than"]),
        ("behaviour: {reschedule: {labels: []}}\n", "behaviour.reschedule.labels", ["at least 1 item"]),
        (
            "behaviour: {reschedule: {labels: ['']}}\n",
            "behaviour.reschedule.labels[0]",
            ["at least 1 character"],
        ),
        (
            "behaviour: {preview: {skip_probability: 2}}\n",
            "behaviour.preview.skip_probability",
            ["less than"],
        ),
        ("behaviour: {preview: {skip: 0.5}}\n", "behaviour.preview.skip", ["unknown key"]),
        ("behaviour: {logoff: {scope: some}}\n", "behaviour.logoff.scope", ["'all' or 'campaigns'"]),
        ("station: {type: workstation}\n", "station.workstation", ["required"]),
        ("station: {type: desk}\n", "station", ["'desk'", "'stationless'"]),
        ("station: {type: stationless, workstation: x}\n", "station.workstation", ["unknown key"]),
        ("identities: {pattern: agent, password: x}\n", "identities.pattern", ["{n}"]),
        ("identities: {pattern: 'a{n:zz}', password: x}\n", "identities.pattern", ["not a valid pattern"]),
        ("identities: {first: 9, last: 1, password: x}\n", "identities.last", ["last must be >= first (9)"]),
        ("identities: {last: 3}\n", "identities.password", ["exactly one of password or password_env"]),
        ("identities: {source: ldap}\n", "identities", ["'ldap'", "'csv'"]),
        ("campaigns: [Sales, '']\n", "campaigns[1]", ["at least 1 character"]),
        ("licences: [I3_ACCESS_CLIENT, '']\n", "licences[1]", ["at least 1 character"]),
        ("licences: I3_ACCESS_CLIENT\n", "licences", ["valid list"]),
        ("mock_scenario: nowhere.yaml\n", "mock_scenario", ["no such file"]),
        ("tls: {ca_bundle: nowhere.pem}\n", "tls.ca_bundle", ["no such file"]),
        ("timeouts: {pop: 0}\n", "timeouts.pop", ["greater than 0"]),
        ("on_error: {policy: retry}\n", "on_error.policy", ["'stop' or 'restart'"]),
        ("thresholds: {error_ratio: 2}\n", "thresholds.error_ratio", ["less than or equal to 1"]),
        (
            "thresholds: {endpoints: {'*': {p100: 5}}}\n",
            "thresholds.endpoints['*'].p100",
            ["unknown key", "p99"],
        ),
        (
            "thresholds: {kpis: {wait-for-pop: {p95: fast}}}\n",
            "thresholds.kpis.wait-for-pop.p95",
            ["valid number"],
        ),
    ],
)
def test_load_profile_when_value_is_bad_names_file_and_key(
    problem: Problem, write_profile: WriteProfile, text: str, key: str, words: list[str]
) -> None:
    message = problem(text)
    path = write_profile(text)
    line = next((line for line in message.splitlines() if line.startswith(f"{path}: {key}: ")), None)
    assert line is not None, message
    for word in words:
        assert word in line
    assert_clean(message)


def test_load_profile_when_threshold_endpoint_misspelt_suggests_the_close_name(problem: Problem) -> None:
    message = problem("thresholds:\n  endpoints:\n    POST /dialer/login: {p99: 100}\n")
    key = "thresholds.endpoints['POST /dialer/login']"
    assert f"{key}: unknown endpoint name; did you mean 'POST /dialer/log-in'?" in message
    assert "known names" not in message


def test_load_profile_when_threshold_endpoint_differs_in_case_suggests_the_known_spelling(
    problem: Problem,
) -> None:
    message = problem("thresholds:\n  endpoints:\n    post /dialer/disposition: {p99: 100}\n")
    assert "unknown endpoint name; did you mean 'POST /dialer/disposition'?" in message


def test_load_profile_when_threshold_endpoint_unknown_and_nothing_close_lists_known_names(
    problem: Problem,
) -> None:
    message = problem("thresholds:\n  endpoints:\n    TRACE /x: {p99: 100}\n")
    assert "thresholds.endpoints['TRACE /x']: unknown endpoint name; known names: '*'" in message
    assert all(repr(name) in message for name in ENDPOINT_NAMES)
    assert "did you mean" not in message


def test_load_profile_when_threshold_kpi_misspelt_suggests_the_close_name(problem: Problem) -> None:
    message = problem("thresholds: {kpis: {wait-for-call: {p95: 1}}}\n")
    assert "thresholds.kpis.wait-for-call: unknown KPI name; did you mean 'wait-for-pop'?" in message
    assert "known names" not in message


def test_load_profile_when_threshold_kpi_unknown_and_nothing_close_lists_known_names(
    problem: Problem,
) -> None:
    message = problem("thresholds: {kpis: {latency: {p95: 1}}}\n")
    assert "thresholds.kpis.latency: unknown KPI name; known names: '*'" in message
    assert all(repr(name) in message for name in KPI_NAMES)
    assert "did you mean" not in message


def test_load_profile_when_several_problems_gives_one_line_each(problem: Problem) -> None:
    message = problem("load: {users: 0, spawn_rate: -1}\nseed: x\nfoo: 1\n")
    lines = message.splitlines()
    assert len(lines) == 4
    assert {line.split(": ")[1] for line in lines} == {"load.users", "load.spawn_rate", "seed", "foo"}


def test_load_profile_when_password_env_unset_names_the_variable(
    problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOTAGENT_TEST_PASSWORD", raising=False)
    message = problem("identities: {password_env: BOTAGENT_TEST_PASSWORD}\n")
    assert "identities.password_env: environment variable BOTAGENT_TEST_PASSWORD is not set" in message


def test_load_profile_when_csv_missing_names_the_resolved_file(problem: Problem, tmp_path: Path) -> None:
    message = problem("identities: {source: csv, file: agents.csv}\n")
    assert f"identities.file: no such file: {tmp_path / 'agents.csv'}" in message


def test_load_profile_when_csv_lacks_column_names_header(problem: Problem, tmp_path: Path) -> None:
    (tmp_path / "agents.csv").write_text("user,pass\nagent1,secret1\n", encoding="utf-8")
    message = problem("identities: {source: csv, file: agents.csv}\n")
    assert "identities.file: no column username, password; the header has: user, pass" in message
    assert "secret1" not in message


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ("username,password\n", "the file has no identities"),
        ("username,password\n,x\n", "line 2: empty user name"),
        ("username,password\na,x\na,y\n", "line 3: user a appears twice"),
    ],
)
def test_load_profile_when_csv_rows_bad_names_the_line(
    problem: Problem, tmp_path: Path, rows: str, words: str
) -> None:
    (tmp_path / "agents.csv").write_text(rows, encoding="utf-8")
    assert f"identities.file: {words}" in problem("identities: {source: csv, file: agents.csv}\n")


def test_load_profile_when_yaml_syntax_bad_gives_line_and_column(
    problem: Problem, write_profile: WriteProfile
) -> None:
    message = problem("load:\n  users: 5\n   spawn_rate: 2\n")
    assert message.startswith(f"{write_profile('')}: line 3, column 14: invalid YAML: ")
    assert "mapping values are not allowed here" in message
    assert_clean(message)


def test_load_profile_when_yaml_unclosed_gives_position(problem: Problem) -> None:
    message = problem("load: {users: 5\n")
    assert "line " in message and "invalid YAML" in message
    assert_clean(message)


def test_load_profile_when_top_level_is_a_list_says_so(problem: Problem) -> None:
    assert '(top level): expected a mapping of profile keys (got ["a"])' in problem("- a\n")


def test_load_profile_when_file_missing_names_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ProfileError, match="cannot read the profile: No such file or directory") as raised:
        load_profile(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_load_profile_when_path_is_directory_raises_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load_profile(tmp_path)


def test_load_profile_when_error_raised_hides_the_pydantic_cause(write_profile: WriteProfile) -> None:
    with pytest.raises(ProfileError) as raised:
        load_profile(write_profile("load: {users: 0}\n"))
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert isinstance(raised.value, ValueError)


def test_load_profile_when_override_is_bad_marks_it(write_profile: WriteProfile) -> None:
    path = write_profile("load: {users: 3}\n")
    with pytest.raises(ProfileError) as raised:
        load_profile(path, overrides={"load": {"users": 0}})
    assert str(raised.value) == (
        f"{path}: load.users: input should be greater than or equal to 1 (got 0) [from overrides]"
    )


def test_load_profile_when_password_has_wrong_type_does_not_show_it(problem: Problem) -> None:
    message = problem("identities: {password: [hunter2]}\n")
    assert "identities.password" in message
    assert "hunter2" not in message


def test_load_profile_when_mock_scenario_with_real_target_is_refused(
    problem: Problem, tmp_path: Path
) -> None:
    (tmp_path / "scenario.yaml").write_text("{}\n", encoding="utf-8")
    message = problem("target: https://cic.example.com\nmock_scenario: scenario.yaml\n")
    assert "mock_scenario: applies only to target mock" in message


def test_load_profile_when_mock_switchover_with_real_target_is_refused(problem: Problem) -> None:
    message = problem("target: https://cic.example.com\nmock: {switchover_at: 30s}\n")
    assert "mock: applies only to target mock" in message


def test_load_profile_when_switchover_backoff_is_negative_names_the_field(problem: Problem) -> None:
    message = problem("switchover: {backoff: -1}\n")
    assert "switchover.backoff" in message


def test_load_profile_when_blended_without_watching_the_queue_names_both_keys(problem: Problem) -> None:
    """R33: a blended agent learns of ACD alerts only from its user queue."""
    message = problem("behaviour: {blended: {enabled: true}, calls: {watch_queue: false}}\n")
    assert "behaviour: " in message and "blended.enabled needs calls.watch_queue" in message
    assert len(message.splitlines()) == 1
