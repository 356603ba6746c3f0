"""The harness's own delays: merged across workers, carried as plain data, and a warning when they
reach the latency tail."""

from __future__ import annotations

from botagent.report import GC_PAUSE_WARN_MS, TIMER_LAG_WARN_MS, HarnessHealth, RunResult, format_summary
from botagent.report._summary import summary_dict


def health(lags: list[float], pauses: dict[int, list[float]]) -> HarnessHealth:
    reading = HarnessHealth()
    for lag in lags:
        reading.lag(lag)
    for generation, values in pauses.items():
        for value in values:
            reading.gc_pause(generation, value)
    return reading


def test_harness_health_when_merged_counts_both_workers_readings() -> None:
    one = health([0.1] * 98 + [0.2, 0.3], {0: [0.05]})
    two = health([0.2] * 50, {0: [0.04], 2: [12.0]})

    one.merge(HarnessHealth.from_wire(two.to_wire()))

    assert one.timer_lag.count == 150
    assert one.gc_pauses[0].count == 2
    assert one.longest_gc_pause == 12.0
    assert one.tail_warning() is None


def test_harness_health_when_the_loop_lags_at_p99_warns_with_the_figure() -> None:
    reading = health([0.1] * 90 + [TIMER_LAG_WARN_MS * 3] * 10, {})

    warning = reading.tail_warning()

    assert warning is not None
    assert "woke 15.0 ms late at p99" in warning


def test_harness_health_when_a_full_collection_is_long_warns_with_its_pause() -> None:
    reading = health([0.1] * 100, {2: [GC_PAUSE_WARN_MS + 25]})

    warning = reading.tail_warning()

    assert warning is not None
    assert "stopped it for 45.0 ms" in warning


def test_summary_and_console_when_harness_measured_show_its_delays_and_warning() -> None:
    result = RunResult(profile_name="p", target="mock", started_at=0.0, duration=10.0, users=1)
    result.harness = health([0.1] * 99 + [30.0], {0: [0.02, 0.03], 2: [60.0]})

    harness = summary_dict(result)["harness"]
    text = format_summary(result)

    assert harness["timer_lag"]["count"] == 100
    assert harness["timer_lag"]["max"] == 30.0
    assert [row["generation"] for row in harness["gc_pauses"]] == [0, 2]
    assert harness["gc_pauses"][1]["max"] == 60.0
    assert "garbage collection stopped it for 60.0 ms" in harness["tail_warning"]
    assert "Harness: timer lag p50 0.1 ms, p99 0.1 ms, max 30.0 ms; 3 GC pauses, longest 60.0 ms" in text
    assert "(1 full collection)" in text
    assert "  warning: latency tails include the harness's own delay" in text


def test_summary_when_nothing_measured_the_harness_has_empty_readings_and_no_console_line() -> None:
    result = RunResult(profile_name="p", target="mock", started_at=0.0, duration=10.0, users=1)

    harness = summary_dict(result)["harness"]

    assert harness == {
        "timer_lag": {"count": 0, "p50": None, "p99": None, "max": None},
        "gc_pauses": [],
        "response_times_end": {"arrival": 0, "read": 0},
        "tail_warning": None,
    }
    assert "Harness:" not in format_summary(result)


def test_harness_health_when_response_times_end_at_arrival_says_the_agents_acted_late_not_the_tail() -> None:
    """Response times that end at the answer's arrival in the kernel hold none of the loop's lag; the
    warning then says what the lag still does (the agents act late), not that the tail holds it."""
    stamped = health([0.1] * 90 + [TIMER_LAG_WARN_MS * 3] * 10, {})
    for _ in range(100):
        stamped.response_time(arrival_stamped=True)
    read = health([0.1] * 90 + [TIMER_LAG_WARN_MS * 3] * 10, {})
    for _ in range(100):
        read.response_time(arrival_stamped=False)

    merged = HarnessHealth.from_wire(stamped.to_wire())
    merged.merge(read)

    assert (stamped.tail_warning() or "").startswith("the agents acted late (response times end at")
    assert (read.tail_warning() or "").startswith("latency tails include the harness's own delay")
    assert merged.arrival_stamped_share == 0.5
    assert (merged.tail_warning() or "").startswith("latency tails include the harness's own delay")
    assert summary_dict_of(merged)["response_times_end"] == {"arrival": 100, "read": 100}


def test_console_when_response_times_were_taken_shows_the_share_ending_at_arrival() -> None:
    result = RunResult(profile_name="p", target="mock", started_at=0.0, duration=10.0, users=1)
    result.harness = health([0.1] * 10, {})
    for stamped in (True, True, True, False):
        result.harness.response_time(stamped)

    assert "; 75% of response times end at the answer's arrival" in format_summary(result)


def summary_dict_of(reading: HarnessHealth) -> dict[str, object]:
    result = RunResult(profile_name="p", target="mock", started_at=0.0, duration=10.0, users=1)
    result.harness = reading
    harness: dict[str, object] = summary_dict(result)["harness"]
    return harness
