"""The calls an agent holds, the book it keeps of them, and how it picks a disposition (R24-R26).

A reschedule follows the official disposition page: ``scheduledTime`` goes only with a label whose
wrap-up category is "Scheduled" on that call, and ``scheduledAgent`` only with ``scheduledTime`` and only
when the pop's ``allowAgentCallbacks`` is true. A preview whose pop has ``allowSkip`` may be skipped
with the label "Skipped - Agent Skip".
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from botagent.wire import DataPopCall, PreviewPopCall

from ._actions import CallOutcome, CampaignRef, FinishedCall, SubmitDisposition
from ._plan import ANY_LABEL, AgentPlan, Rng

__all__ = [
    "CAMPAIGN_NAME_ATTRIBUTE",
    "SCHEDULED_CATEGORY",
    "SKIP_LABEL",
    "CallBook",
    "HeldCall",
    "RescheduleNote",
    "choose_disposition",
    "choose_label",
    "first_label_disposition",
    "is_placed",
    "scheduled_labels",
    "skip_disposition",
]

SKIP_LABEL = "Skipped - Agent Skip"
"""The label that skips a preview whose pop allows it (official disposition page)."""

SCHEDULED_CATEGORY = "Scheduled"
"""The wrap-up category a label must have to reschedule with it (official disposition page)."""

CAMPAIGN_NAME_ATTRIBUTE = "IS_ATTR_CampaignName"
"""The call attribute that names the call's campaign."""

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
    skip: bool = False
    """The agent decided to skip this preview instead of placing it."""
    timed: bool = False
    """The preview's timeout comes before the think time ends: the timer places the call."""
    disconnect_sent: bool = False
    """The agent asked the server to disconnect the call's interaction."""

    @property
    def interaction_id(self) -> str:
        """The call's interaction id."""
        return self.call.interaction_id

    @property
    def campaign_id(self) -> str:
        """The campaign the call belongs to."""
        return self.call.campaign_id

    @property
    def campaign(self) -> CampaignRef:
        """The call's campaign, named by its ``IS_ATTR_CampaignName`` attribute when it has one."""
        return CampaignRef(id=self.campaign_id, name=self.call.attributes.get(CAMPAIGN_NAME_ATTRIBUTE, ""))

    @property
    def open(self) -> bool:
        """True until a disposition for it has been sent."""
        return self.disposition is None

    @property
    def skipping(self) -> bool:
        """The agent skips this preview: it decided so and nobody has placed the call."""
        return self.skip and not self.placed

    @property
    def skippable(self) -> bool:
        """A preview nobody placed or asked to place, whose pop allows skipping it."""
        unplaced = not self.placed and self.place_sent_at is None
        return unplaced and isinstance(self.call, PreviewPopCall) and self.call.allow_skip

    @property
    def must_place_first(self) -> bool:
        """A preview nobody placed or asked to place, whose pop does not allow skipping it (R6)."""
        unplaced = not self.placed and self.place_sent_at is None
        return unplaced and isinstance(self.call, PreviewPopCall) and not self.call.allow_skip

    def mark_skip(self) -> None:
        """The agent will skip this preview instead of placing it."""
        self.skip = True

    def mark_timed(self) -> None:
        """The preview timer, not the agent's reading, places this call."""
        self.timed = True

    def disconnecting(self) -> None:
        """Note that the agent asked to disconnect the call (at most once per call)."""
        self.disconnect_sent = True

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
            campaign_name=self.campaign.name,
            preview_placed=self.place_sent_at is not None,
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


class RescheduleNote(enum.Enum):
    """Why a reschedule the plan drew went out differently."""

    UNOWNED = "unowned"
    """Without ``scheduledAgent``: the pop does not allow agent-owned callbacks."""
    DROPPED = "dropped"
    """Not at all: the call offers no label of the plan with wrap-up category "Scheduled"."""


def scheduled_labels(plan: AgentPlan, call: DataPopCall | PreviewPopCall) -> list[str]:
    """The labels this call may be rescheduled with: its "Scheduled" ones the plan allows, in its order."""
    allowed = plan.reschedule_labels
    return [
        d.label
        for d in call.dispositions
        if d.wrap_up_category.casefold() == SCHEDULED_CATEGORY.casefold()
        and (allowed is None or d.label in allowed)
    ]


def choose_disposition(
    plan: AgentPlan, rng: Rng, held: HeldCall, now: float
) -> tuple[SubmitDisposition, RescheduleNote | None]:
    """Draw the label, then whether to reschedule, when (R25) and for whom (R26).

    The skip label is left out (it only skips a preview that was never placed). A reschedule keeps the
    drawn label when it may reschedule, else draws one of the labels that may; with none, the call is
    dispositioned without a schedule.

    Returns:
        The disposition, and a note when a drawn reschedule went out without owner or not at all.
    """
    talked = [label for label in held.call.labels if label != SKIP_LABEL] or held.call.labels
    label = choose_label(dict(plan.disposition_weights), talked, rng)
    if plan.reschedule_probability <= 0 or rng.random() >= plan.reschedule_probability:
        return SubmitDisposition(label=label), None
    return _reschedule(plan, rng, held.call, label, now)


def _reschedule(
    plan: AgentPlan, rng: Rng, call: DataPopCall | PreviewPopCall, label: str, now: float
) -> tuple[SubmitDisposition, RescheduleNote | None]:
    labels = scheduled_labels(plan, call)
    if not labels:
        return SubmitDisposition(label=label), RescheduleNote.DROPPED
    if label not in labels:
        label = choose_label(dict(plan.disposition_weights), labels, rng)
    scheduled_time = int(now + plan.reschedule_offset.sample(rng))
    owner, note = _owner(plan), None
    if owner is not None and not call.allow_agent_callbacks:
        owner, note = None, RescheduleNote.UNOWNED
    return SubmitDisposition(label=label, scheduled_time=scheduled_time, scheduled_agent=owner), note


def _owner(plan: AgentPlan) -> str | None:
    if plan.reschedule_agent == "none":
        return None
    return plan.user_id if plan.reschedule_agent == "self" else plan.reschedule_agent


def skip_disposition() -> SubmitDisposition:
    """The disposition that skips a preview (official disposition page)."""
    return SubmitDisposition(label=SKIP_LABEL)


def first_label_disposition(held: HeldCall) -> SubmitDisposition:
    """The cleanup disposition: the call's first label, no reschedule."""
    return SubmitDisposition(label=held.call.labels[0])
