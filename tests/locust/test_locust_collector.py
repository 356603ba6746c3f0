"""The garbage collector's policy in a process that runs agents: only young collections of its own while
a test runs, and a full one when resident memory grows by the guard's margin; thresholds restored when
it stops."""

from __future__ import annotations

from locust_rig import run_in_locust_process

POLICY = """
import gc
import gevent
from botagent.locust._collector import HELD_THRESHOLD, CollectorPolicy

gc.set_threshold(700, 10, 10)
readings, rest = iter([100, 150, 1_000, 1_010]), 1_010
full, middle = [], []
gc.callbacks.append(lambda phase, info: phase == "stop" and info["generation"] == 2 and full.append(1))
gc.callbacks.append(lambda phase, info: phase == "stop" and info["generation"] == 1 and middle.append(1))
policy = CollectorPolicy(rss=lambda: next(readings, rest), every=0.01, growth=500)
policy.on_test_start()
assert len(full) == 1 and gc.get_freeze_count() > 0
assert policy.holding and gc.get_threshold() == (700, HELD_THRESHOLD, HELD_THRESHOLD), gc.get_threshold()
keep = [[[] for _ in range(50)] for _ in range(3000)]  # hundreds of young collections, none grows older
del keep
assert not middle, len(middle)
gevent.sleep(0.2)
assert policy.guard_collections == 1, policy.guard_collections
assert len(full) == 2, full
readings, rest = iter([1_300, *[1_600] * 10]), 1_600
policy.on_spawning_complete()  # the agents' memory, 1,300 bytes, is the guard's new base
assert len(full) == 2
gevent.sleep(0.1)
assert policy.guard_collections == 1, policy.guard_collections  # 1,600 is 590 over 1,010, 300 over 1,300
readings, rest = iter([]), 1_900
gevent.sleep(0.1)
assert policy.guard_collections == 2, policy.guard_collections
policy.on_test_stop()
assert not policy.holding and gc.get_threshold() == (700, 10, 10)
done = policy.guard_collections
gevent.sleep(0.05)
assert policy.guard_collections == done
print("held")
"""


def test_collector_policy_holds_older_collections_while_the_test_runs_and_guards_memory() -> None:
    """From test_start to test_stop the older generations' thresholds are out of reach; the guard runs one
    full collection when resident memory has grown by its margin (100 -> 1,000 bytes, margin 500) since
    the last one or since spawning was complete (1,300 -> 1,900), and stop restores the thresholds."""
    result = run_in_locust_process(POLICY)

    assert result.stdout.strip() == "held", result.stderr


GUARD = """
from botagent.locust._collector import FullCollectionGuard
guard = FullCollectionGuard(growth=100)
print([guard.due(1_000), guard.due(1_099), guard.due(1_100)], end=" ")
guard.collected(1_050)
print([guard.due(1_100), guard.due(1_150)])
"""


def test_full_collection_guard_is_due_after_the_growth_since_the_last_collection() -> None:
    """The first reading sets the base; a collection moves it."""
    result = run_in_locust_process(GUARD)

    assert result.stdout.strip() == "[False, False, True] [False, True]"
