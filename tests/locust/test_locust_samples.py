"""botagent's own samples: per phase, per endpoint and KPI, failures by cause; what workers send is plain
data, and the master's merge of every worker's deltas is the histogram one process would have kept."""

from __future__ import annotations

import json
import math
import random

import pytest
from pure_rig import load_pure

from botagent.report._latency import LatencyHistogram

samples_module = load_pure("_samples")
RunSamples = samples_module.RunSamples


def test_run_samples_when_recorded_keeps_each_phase_apart_and_counts_failures_by_cause() -> None:
    samples = RunSamples()
    samples.request("ramp-up", "POST /connection", 70.0, "HTTP 401")
    samples.request("ramp-up", "POST /connection", 75.0, "HTTP 401")
    samples.request("ramp-up", "POST /connection", 60.0)
    samples.request("stop", "POST /dialer/log-off", 900.0, "no response")
    samples.kpi("stop", "logoff-grant", 1200.0)

    connection = samples.phases["ramp-up"].endpoints["POST /connection"]
    assert (connection.count, connection.failures, dict(connection.causes)) == (3, 2, {"HTTP 401": 2})
    assert (samples.requests, samples.failures) == (4, 3)
    assert set(samples.phases) == {"ramp-up", "stop"}
    whole = samples.whole_run()
    assert sorted(whole.endpoints) == ["POST /connection", "POST /dialer/log-off"]
    assert whole.kpis["logoff-grant"].latency.maximum == 1200.0
    assert samples.phases["ramp-up"].kpis == {}


def test_run_samples_when_phase_is_unknown_refuses_the_sample() -> None:
    with pytest.raises(ValueError, match="unknown phase 'warm-up'"):
        RunSamples().request("warm-up", "POST /connection", 1.0)


def test_run_samples_when_sent_as_json_come_back_the_same() -> None:
    samples = RunSamples()
    samples.request("steady", "POST /dialer/disposition", 4.25, "HTTP 503")
    samples.kpi("steady", "wait-for-pop", 510.0)

    back = RunSamples.from_wire(json.loads(json.dumps(samples.to_wire())))

    assert back == samples
    assert back.phases["steady"].endpoints["POST /dialer/disposition"].causes["HTTP 503"] == 1


def test_master_merge_when_workers_report_deltas_equals_one_process_recording_every_sample() -> None:
    rng = random.Random(3)
    draws = [(rng.choice(["ramp-up", "steady", "stop"]), rng.lognormvariate(1.5, 1.0)) for _ in range(5000)]
    single, master = RunSamples(), RunSamples()
    deltas = [RunSamples(), RunSamples()]
    for index, (phase, value) in enumerate(draws):
        single.request(phase, "POST /dialer/disposition", value)
        deltas[index % 2].request(phase, "POST /dialer/disposition", value)
        if index % 700 == 699:  # a report: each worker sends what is new, then starts over
            for delta in deltas:
                master.merge(RunSamples.from_wire(delta.to_wire()))
            deltas = [RunSamples(), RunSamples()]
    for delta in deltas:
        master.merge(RunSamples.from_wire(delta.to_wire()))

    for phase in single.phases:
        ours = master.phases[phase].endpoints["POST /dialer/disposition"].latency
        theirs = single.phases[phase].endpoints["POST /dialer/disposition"].latency
        assert_same_histogram(ours, theirs)
    assert master.requests == single.requests == 5000


def assert_same_histogram(ours: LatencyHistogram, theirs: LatencyHistogram) -> None:
    assert (ours.buckets, ours.count, ours.minimum, ours.maximum) == (
        theirs.buckets,
        theirs.count,
        theirs.minimum,
        theirs.maximum,
    )
    assert math.isclose(ours.total, theirs.total, rel_tol=1e-9)
    for fraction in (0.5, 0.9, 0.95, 0.99, 1.0):
        assert ours.percentile(fraction) == theirs.percentile(fraction)
