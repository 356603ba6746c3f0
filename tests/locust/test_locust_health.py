"""The harness measures itself while a test runs: how late its event loop wakes a sleeping greenlet,
and how long each garbage collection stops the process."""

from __future__ import annotations

from locust_rig import run_in_locust_process

PROBE = """
import gc, time
import gevent
from botagent.locust._health import HealthProbe
from botagent.report import HarnessHealth

health = HarnessHealth()
probe = HealthProbe(lambda: health)
probe.start()
gevent.sleep(0.55)
gc.collect()
busy_until = time.perf_counter() + 0.25
while time.perf_counter() < busy_until:  # blocks the event loop: the probe wakes 150 ms late or more
    pass
gevent.sleep(0.25)
probe.stop()
counted = health.timer_lag.count
gevent.sleep(0.3)
gc.collect()
assert health.timer_lag.count == counted, "the probe went on after stop"
assert 4 <= counted <= 11, counted
assert health.timer_lag.maximum >= 140, health.timer_lag.maximum
assert health.gc_pauses[2].count == 1, health.gc_pauses
print("measured")
"""


def test_health_probe_when_running_counts_timer_lag_and_gc_pauses_until_stopped() -> None:
    result = run_in_locust_process(PROBE)

    assert result.stdout.strip() == "measured"
