"""botagent's own measurements of a run: every ICWS request and Dialer KPI, per phase, as histograms.

Locust keeps its own statistics of the ICWS requests (its rows, charts, CSV and HTML report); botagent's
summary, reports and thresholds read these instead. Each endpoint and each KPI of each phase is one
`RowSamples`: a `LatencyHistogram` (exact count, min, max and mean, percentiles within 0.5% and never
above the max, bounded memory however long the run) and its failures by cause ("HTTP 401", "no
response"). A worker sends what it recorded since its last report (`RunSamples.to_wire`, plain data for
Locust's msgpack) and the master merges it (`from_wire`, `merge`), so the master holds the whole run.

Pure: no Locust, no gevent, no clock; the recorder says which phase a sample belongs to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botagent.report import PHASES
from botagent.report._latency import LatencyHistogram

__all__ = ["NO_RESPONSE", "PhaseSamples", "RowSamples", "RunSamples"]

NO_RESPONSE = "no response"
"""The cause of a failed request that got no HTTP answer (refused, reset, timed out)."""


@dataclass(slots=True)
class RowSamples:
    """The samples of one endpoint or KPI: their latencies, how many failed, and why."""

    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    failures: int = 0
    causes: Counter[str] = field(default_factory=Counter)
    """Failures by cause: ``HTTP <status>`` or `NO_RESPONSE`."""

    @property
    def count(self) -> int:
        """Every sample, failed ones included."""
        return self.latency.count

    def add(self, milliseconds: float, cause: str | None = None) -> None:
        """Count one sample; ``cause`` is why it failed, None when it succeeded."""
        self.latency.add(milliseconds)
        if cause is not None:
            self.failures += 1
            self.causes[cause] += 1

    def merge(self, other: RowSamples) -> None:
        """Add every sample of ``other`` to these."""
        self.latency.merge(other.latency)
        self.failures += other.failures
        self.causes.update(other.causes)

    def to_wire(self) -> dict[str, Any]:
        """Plain data for a worker's report."""
        return {"latency": self.latency.to_wire(), "failures": self.failures, "causes": dict(self.causes)}

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> RowSamples:
        """The samples `to_wire` described."""
        latency = LatencyHistogram.from_wire(data["latency"])
        return cls(latency=latency, failures=int(data["failures"]), causes=Counter(data["causes"]))


def _merge_rows(into: dict[str, RowSamples], rows: Mapping[str, RowSamples]) -> None:
    for name, row in rows.items():
        into.setdefault(name, RowSamples()).merge(row)


@dataclass(slots=True)
class PhaseSamples:
    """The samples of one phase (or of the whole run): ICWS endpoints and Dialer KPIs by name."""

    endpoints: dict[str, RowSamples] = field(default_factory=dict)
    kpis: dict[str, RowSamples] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """ICWS requests, failed ones included."""
        return sum(row.count for row in self.endpoints.values())

    @property
    def failures(self) -> int:
        """Failed ICWS requests."""
        return sum(row.failures for row in self.endpoints.values())

    def merge(self, other: PhaseSamples) -> None:
        """Add every sample of ``other`` to these."""
        _merge_rows(self.endpoints, other.endpoints)
        _merge_rows(self.kpis, other.kpis)

    def to_wire(self) -> dict[str, Any]:
        """Plain data for a worker's report."""
        return {
            "endpoints": {name: row.to_wire() for name, row in self.endpoints.items()},
            "kpis": {name: row.to_wire() for name, row in self.kpis.items()},
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> PhaseSamples:
        """The samples `to_wire` described."""
        return cls(
            endpoints={name: RowSamples.from_wire(row) for name, row in data["endpoints"].items()},
            kpis={name: RowSamples.from_wire(row) for name, row in data["kpis"].items()},
        )


class RunSamples:
    """Every sample of a run (or of one worker since its last report), per phase of `PHASES`."""

    def __init__(self) -> None:
        self.phases: dict[str, PhaseSamples] = {}

    def request(self, phase: str, name: str, milliseconds: float, cause: str | None = None) -> None:
        """Count one ICWS request of endpoint ``name``; ``cause`` is why it failed, None if it did not."""
        self._phase(phase).endpoints.setdefault(name, RowSamples()).add(milliseconds, cause)

    def kpi(self, phase: str, name: str, milliseconds: float) -> None:
        """Count one Dialer KPI sample (wait-for-pop, break-grant, ...)."""
        self._phase(phase).kpis.setdefault(name, RowSamples()).add(milliseconds)

    def merge(self, other: RunSamples) -> None:
        """Add every sample of ``other`` to these, phase by phase."""
        for phase, samples in other.phases.items():
            self._phase(phase).merge(samples)

    def whole_run(self) -> PhaseSamples:
        """A new `PhaseSamples` holding every phase's samples together."""
        return merged(self.phases.values())

    @property
    def requests(self) -> int:
        """ICWS requests in every phase, failed ones included."""
        return sum(samples.requests for samples in self.phases.values())

    @property
    def failures(self) -> int:
        """Failed ICWS requests in every phase."""
        return sum(samples.failures for samples in self.phases.values())

    def to_wire(self) -> dict[str, Any]:
        """Plain data for a worker's report: phase name -> `PhaseSamples.to_wire`."""
        return {phase: samples.to_wire() for phase, samples in self.phases.items()}

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> RunSamples:
        """The samples `to_wire` described."""
        samples = cls()
        samples.phases = {phase: PhaseSamples.from_wire(item) for phase, item in data.items()}
        return samples

    def _phase(self, phase: str) -> PhaseSamples:
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}; phases are {', '.join(PHASES)}")
        return self.phases.setdefault(phase, PhaseSamples())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunSamples) and self.phases == other.phases

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"RunSamples({self.phases!r})"


def merged(parts: Iterable[PhaseSamples]) -> PhaseSamples:
    """A new `PhaseSamples` with the samples of every one of ``parts``."""
    total = PhaseSamples()
    for part in parts:
        total.merge(part)
    return total
