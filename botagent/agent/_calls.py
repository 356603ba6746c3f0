"""The calls an agent holds, the book it keeps of them, and how it picks a disposition (R24-R26)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from botagent.wire import DataPopCall, PreviewPopCall

from ._actions import CallOutcome, FinishedCall, SubmitDisposition
from ._plan import ANY_LABEL, AgentPlan, Rng

__all__ = [
    "CallBook",
    "HeldCall",
    "choose_disposition",
    "choose_label",
    "first_label_disposition",
    "is_placed",
]

_FINISHED_MEMORY = 64
"""How many finished interaction ids are remembered, to ignore late notices about them."""


@dataclass(slots=True)
class HeldCall:
    """A popped call from its pop until it is finished; changed only through its own methods."""

    call: DataPopCall | PreviewPopCall
    popped_at: float
    placed: bool
    disposition: SubmitDisposition | None = None
    place_sent_at: float | None = None

    @property
    def interaction_id(self) -> str:
        """The call's interaction id."""
        return self.call.interaction_id

    @property
    def campaign_id(self) -> str:
        """The campaign the call belongs to."""
        return self.call.campaign_id

    @property
    def open(self) -> bool:
        """True until a disposition for it has been sent."""
        return self.disposition is None

    def place(self, now: float) -> None:
        """Note that the agent asked Dialer to place this preview call at ``now`` (R6)."""
        self.place_sent_at = now

    def placed_by_dialer(self) -> float | None:
        """Note that Dialer placed the call; the first time, return when the agent asked it to.

        Returns:
            The time of the place request, for the preview-connect KPI; None when the call was known to
            be placed already or the agent never asked.
        """
        if self.placed:
            return None
        self.placed = True
        return self.place_sent_at

    def dispositioned(self, disposition: SubmitDisposition) -> None:
        """Note the disposition sent for this call."""
        self.disposition = disposition

    def record(self, outcome: CallOutcome) -> FinishedCall:
        """The `FinishedCall` of this call ending with ``outcome``."""
        sent = self.disposition if outcome is not CallOutcome.UNDISPOSITIONED else None
        return FinishedCall(
            interaction_id=self.interaction_id,
            campaign_id=self.campaign_id,
            label=sent.label if sent else None,
            scheduled_time=sent.scheduled_time if sent else None,
            scheduled_agent=sent.scheduled_agent if sent else None,
            outcome=outcome,
        )


@dataclass(slots=True)
class CallBook:
    """Every popped call of one agent: the current one, the queued ones, the ids of finished ones.

    A pop is queued; taking it makes it current; finishing it removes it and remembers its id, so a
    late notice about it is ignored. Changed only through its own methods.
    """

    current: HeldCall | None = None
    queued: deque[HeldCall] = field(default_factory=deque)
    finished_ids: deque[str] = field(default_factory=lambda: deque(maxlen=_FINISHED_MEMORY))

    def calls(self) -> Iterator[HeldCall]:
        """Every popped call not yet finished: the current one first, then the queued ones."""
        if self.current is not None:
            yield self.current
        yield from self.queued

    def open_calls(self) -> list[HeldCall]:
        """Popped calls whose disposition has not been sent."""
        return [held for held in self.calls() if held.open]

    def find(self, interaction_id: str) -> HeldCall | None:
        """The unfinished call with this interaction id, if any."""
        return next((held for held in self.calls() if held.interaction_id == interaction_id), None)

    def was_finished(self, interaction_id: str) -> bool:
        """True when a call with this id was finished lately."""
        return interaction_id in self.finished_ids

    def add(self, call: DataPopCall | PreviewPopCall, now: float) -> None:
        """Queue a new pop."""
        self.queued.append(HeldCall(call=call, popped_at=now, placed=is_placed(call)))

    def next_queued(self) -> HeldCall | None:
        """The call that would be taken next, if any."""
        return self.queued[0] if self.queued else None

    def take_next(self) -> HeldCall:
        """Make the oldest queued call the current one and return it; the queue must not be empty."""
        self.current = self.queued.popleft()
        return self.current

    def finish(self, held: HeldCall, outcome: CallOutcome) -> FinishedCall:
        """Forget ``held`` (remembering its id) and return how it ended."""
        if self.current is held:
            self.current = None
        elif held in self.queued:
            self.queued.remove(held)
        self.finished_ids.append(held.interaction_id)
        return held.record(outcome)


def is_placed(call: DataPopCall | PreviewPopCall) -> bool:
    """True when Dialer has dialed the call already: every data pop (R7), a preview once placed."""
    return isinstance(call, DataPopCall) or call.call_placed


def choose_label(weights: dict[str, float] | None, labels: list[str], rng: Rng) -> str:
    """Draw one of ``labels`` by weight; the "any" weight is shared evenly by all labels.

    Labels the plan weighs but the call does not offer are skipped (R24). When no offered label has
    weight, every label is equally likely. ``labels`` must not be empty.
    """
    shares = dict.fromkeys(labels, 0.0)
    for label, weight in (weights or {}).items():
        if label == ANY_LABEL:
            for offered in shares:
                shares[offered] += weight / len(labels)
        elif label in shares:
            shares[label] += weight
    total = sum(shares.values())
    if total <= 0:
        shares, total = dict.fromkeys(labels, 1.0), float(len(labels))
    point = rng.random() * total
    for label, share in shares.items():
        point -= share
        if point < 0:
            return label
    return labels[-1]


def choose_disposition(plan: AgentPlan, rng: Rng, held: HeldCall, now: float) -> SubmitDisposition:
    """Draw the label, then whether to reschedule and when (R25) and for whom (R26)."""
    label = choose_label(dict(plan.disposition_weights), held.call.labels, rng)
    if plan.reschedule_probability <= 0 or rng.random() >= plan.reschedule_probability:
        return SubmitDisposition(label=label)
    scheduled_time = int(now + plan.reschedule_offset.sample(rng))
    return SubmitDisposition(label=label, scheduled_time=scheduled_time, scheduled_agent=_owner(plan))


def _owner(plan: AgentPlan) -> str | None:
    if plan.reschedule_agent == "none":
        return None
    return plan.user_id if plan.reschedule_agent == "self" else plan.reschedule_agent


def first_label_disposition(held: HeldCall) -> SubmitDisposition:
    """The cleanup disposition: the call's first label, no reschedule."""
    return SubmitDisposition(label=held.call.labels[0])
