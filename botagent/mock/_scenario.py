"""Scenario: what the mock ICWS server simulates.

A scenario names the campaigns (pacing mode, contacts, delays, dispositions), the users who may log in,
the licence pools (``licences``; each user group names the licences assigned to it), the statuses users
can take, the behaviour knobs (``ServerBehaviour``: choices the official ICWS pages leave open, and
leniencies kept for older clients), the faults to inject from the start (``faults:``, see
``_faults.py``) and the largest request body the ``/icws`` routes accept (``max_body_bytes``, 64 KiB
by default; larger ones get 413). ``Scenario()`` with no arguments is the default scenario;
``load_scenario(path)`` reads one from YAML and reports every problem as
``<file>: <dotted.key>: <what is wrong> (got <value>)``.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from botagent.mock._callbacks import CallbackPolicy
from botagent.mock._durations import Delay
from botagent.mock._errors import ScenarioError
from botagent.mock._faults import FaultSpec
from botagent.mock._outcomes import OutcomeDelays, OutcomeRates

__all__ = [
    "DIALER_LICENCE",
    "ServerBehaviour",
    "CampaignSpec",
    "ContactSpec",
    "DispositionSpec",
    "ResolvedUser",
    "Scenario",
    "StatusSpec",
    "UserGroup",
    "WorkgroupSpec",
    "campaign_id_for",
    "default_scenario",
    "format_validation_error",
    "load_scenario",
    "scenario_from_dict",
]

_CAMPAIGN_NAMESPACE = uuid.UUID("6f1d7c1e-3b52-5c8e-9a57-0b0a9e1d2c41")


def campaign_id_for(name: str) -> str:
    """Return the stable GUID-like campaign id the mock derives from a campaign name."""
    return str(uuid.uuid5(_CAMPAIGN_NAMESPACE, name)).upper()


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DispositionSpec(_Spec):
    """One disposition a campaign's calls may be finished with."""

    label: str = Field(min_length=1)
    wrap_up_category: str = "Success"
    wrap_up_code: str = ""
    abandon: bool = False


def _default_dispositions() -> list[DispositionSpec]:
    return [
        DispositionSpec(label="Sale", wrap_up_category="Success", wrap_up_code="Success - Sale"),
        DispositionSpec(label="No Sale", wrap_up_category="Failure", wrap_up_code="Failure - No Sale"),
        DispositionSpec(label="Callback", wrap_up_category="Scheduled", wrap_up_code="Scheduled - Callback"),
        DispositionSpec(label="Wrong Number", wrap_up_category="Wrong Number", wrap_up_code="Wrong Number"),
        DispositionSpec(label="Machine", wrap_up_category="Machine", wrap_up_code="Machine - Left Message"),
    ]


class ContactSpec(_Spec):
    """Where a campaign's contacts come from: generated (``count`` + ``phone_pattern``) or a CSV ``file``.

    A CSV path is relative to the scenario file. Its header row names the columns; every column becomes
    a call attribute. Each agent's contacts are drawn at random from the list by a stream of its own
    (``_streams.py``), each contact once a pass. ``recycle`` starts a new pass when every contact was
    taken, so long runs never starve; without it the list is then used up.
    ``utc_offset`` (hours) is every contact's time zone, or ``utc_offset_column`` names the CSV column
    that holds each one's; a callback booked with ``relativeTo: 1`` (Contact) is read in it.
    """

    count: int = Field(100_000, ge=1, le=100_000_000)
    phone_pattern: str = "+1555{n:07d}"
    file: Path | None = None
    phone_column: str = "phone"
    id_column: str | None = None
    recycle: bool = True
    utc_offset: float = Field(0.0, ge=-14.0, le=14.0)
    utc_offset_column: str | None = None
    _rows: tuple[dict[str, str], ...] = PrivateAttr(default=())

    @field_validator("phone_pattern")
    @classmethod
    def _pattern_formats(cls, value: str) -> str:
        try:
            value.format(n=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"must be a format string using only {{n}}, e.g. '+1555{{n:07d}}' ({exc})"
            ) from exc
        return value

    @model_validator(mode="after")
    def _read_file(self, info: ValidationInfo) -> ContactSpec:
        if self.file is not None:
            base = (info.context or {}).get("base_dir", Path.cwd())
            columns = (self.phone_column, self.id_column, self.utc_offset_column)
            self._rows = _read_csv(Path(base) / self.file, columns)
        return self

    @property
    def size(self) -> int:
        """How many distinct contacts one pass over the list holds."""
        return len(self._rows) if self.file is not None else self.count

    def contact(self, index: int) -> tuple[str, str, dict[str, str]]:
        """Return (contact id, phone number, attributes) of the contact at ``index`` (0-based)."""
        if self.file is not None:
            row = self._rows[index]
            contact_id = row[self.id_column] if self.id_column else str(index + 1)
            return contact_id, row[self.phone_column], dict(row)
        n = index + 1
        phone = self.phone_pattern.format(n=n)
        return str(n), phone, {"contactid": str(n), "phonenumber": phone}

    def utc_offset_of(self, attributes: dict[str, str]) -> float:
        """The contact's UTC offset in hours: its ``utc_offset_column`` if numeric, else ``utc_offset``."""
        raw = attributes.get(self.utc_offset_column) if self.utc_offset_column else None
        try:
            return float(raw) if raw is not None else self.utc_offset
        except ValueError:
            return self.utc_offset


def _read_csv(path: Path, columns: tuple[str | None, ...]) -> tuple[dict[str, str], ...]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = tuple(dict(row) for row in csv.DictReader(handle))
    except OSError as exc:
        raise ValueError(f"cannot read contact file {str(path)!r}: {exc.strerror}") from exc
    if not rows:
        raise ValueError(f"contact file {str(path)!r} has no data rows")
    for column in filter(None, columns):
        if column not in rows[0]:
            raise ValueError(
                f"contact file {str(path)!r} has no column {column!r} (columns: {list(rows[0])})"
            )
    return rows


class CampaignSpec(_Spec):
    """A Dialer campaign: pacing mode, contacts, delays (seconds) and allowed dispositions.

    Pacing knobs (see ``_pacing.py``): ``priority`` and ``weight`` share the calls of agents logged in
    to several campaigns (each agent's own calls split by weight, ``_allocation.py``); ``max_lines``
    caps the dials out at once; predictive paces to ``abandon_target`` unless ``lines_per_agent``
    fixes the ratio; an answered call waits ``abandon_grace`` seconds for an agent.
    Outcome knobs (see ``_outcomes.py``): ``outcomes`` rates (else ``answer_rate``), ``outcome_delays``,
    ``machine_detection`` and its delay. Callback knobs: ``callbacks`` (see ``_callbacks.py``).
    """

    name: str = Field(min_length=1)
    id: str = ""
    mode: Literal["predictive", "power", "preview"]
    workgroup: str = "Dialer Agents"
    contacts: ContactSpec = Field(default_factory=ContactSpec)
    answer_rate: float = Field(1.0, ge=0.0, le=1.0)
    dial_delay: Delay = Field(0.5, validate_default=True)
    ring_delay: Delay = Field(1.0, validate_default=True)
    lines_per_agent: float | None = Field(None, gt=0.0, le=10.0)
    priority: int = Field(0, ge=-1000, le=1000)
    weight: float = Field(1.0, gt=0.0, le=1000.0)
    max_lines: int | None = Field(None, ge=1, le=1_000_000)
    abandon_target: float = Field(0.03, ge=0.0, le=1.0)
    abandon_grace: float = Field(2.0, ge=0.0, le=600.0)
    outcomes: OutcomeRates | None = None
    outcome_delays: OutcomeDelays = Field(default_factory=OutcomeDelays)
    machine_detection: bool = True
    machine_detection_delay: Delay = Field(0.0, validate_default=True)
    callbacks: CallbackPolicy = Field(default_factory=CallbackPolicy)
    dispositions: list[DispositionSpec] = Field(default_factory=_default_dispositions, min_length=1)
    preview_timeout: float | None = Field(60.0, gt=0.0, le=86400.0)
    allow_skip: bool = False
    allow_agent_callbacks: bool = True
    auto_disconnect_on_disposition: bool = True
    remote_hangup: Delay | None = None
    """Seconds from connecting until the far end hangs up; None: it never hangs up first."""
    status: Literal["on", "off"] = "on"

    @field_validator("status", mode="before")
    @classmethod
    def _yaml_on_off(cls, value: object) -> object:
        # YAML 1.1 reads a bare on/off as a boolean.
        return {True: "on", False: "off"}.get(value, value) if isinstance(value, bool) else value

    @field_validator("dispositions")
    @classmethod
    def _unique_labels(cls, value: list[DispositionSpec]) -> list[DispositionSpec]:
        labels = [d.label for d in value]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ValueError(f"disposition labels must be unique, repeated: {duplicates}")
        return value

    @model_validator(mode="after")
    def _default_id(self) -> CampaignSpec:
        if not self.id:
            object.__setattr__(self, "id", campaign_id_for(self.name))
        return self

    @property
    def running(self) -> bool:
        """True when the campaign status is on."""
        return self.status == "on"


def _default_campaigns() -> list[CampaignSpec]:
    return [
        CampaignSpec(name="Predictive Sales", mode="predictive", weight=3.0),
        CampaignSpec(name="Power Collections", mode="power", weight=2.0),
        CampaignSpec(name="Preview Callbacks", mode="preview", weight=1.0),
    ]


class ResolvedUser(_Spec):
    """One user the mock knows, after expanding the scenario's user groups."""

    user_id: str
    password: str
    has_logon_campaign_right: bool
    campaign_ids: tuple[str, ...]
    licences: tuple[str, ...] = ()
    """The licences assigned to the user: the ones it may acquire."""
    workgroups: tuple[str, ...] = ()
    """The ACD workgroups the user is a member of; a member of any is a blended agent (R33)."""


class UserGroup(_Spec):
    """Users sharing a password and rights: ``pattern`` + inclusive ``range``, or explicit ``names``.

    ``campaigns`` is ``all`` or a list of campaign names or ids the users are eligible for;
    ``licences`` is ``all`` or the list of the scenario's licences assigned to the users;
    ``workgroups`` names the scenario's ACD workgroups the users belong to, which makes them blended
    agents (R33): they are alerted with inbound ACD interactions as well as given Dialer calls.
    """

    pattern: str | None = None
    range: tuple[int, int] | None = None
    names: list[str] | None = None
    password: str = "botagent"
    has_logon_campaign_right: bool = False
    campaigns: Literal["all"] | list[str] = "all"
    licences: Literal["all"] | list[str] = "all"
    workgroups: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_way_to_name(self) -> UserGroup:
        if (self.names is None) == (self.pattern is None):
            raise ValueError("give either 'names' or 'pattern' with 'range'")
        if self.pattern is not None:
            if self.range is None:
                raise ValueError("'pattern' needs 'range': [first, last]")
            if self.range[0] > self.range[1]:
                raise ValueError(f"range must be [first, last] with first <= last (got {list(self.range)})")
            try:
                self.pattern.format(n=self.range[0])
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(f"pattern must be a format string using only {{n}} ({exc})") from exc
        return self

    def user_ids(self) -> Iterator[str]:
        """Yield the user ids of this group."""
        if self.names is not None:
            yield from self.names
            return
        assert self.pattern is not None and self.range is not None
        for n in range(self.range[0], self.range[1] + 1):
            yield self.pattern.format(n=n)


def _default_users() -> list[UserGroup]:
    return [
        UserGroup(pattern="agent{n:04d}", range=(1, 5000)),
        UserGroup(pattern="campaignagent{n:04d}", range=(1, 100), has_logon_campaign_right=True),
    ]


class WorkgroupSpec(_Spec):
    """An ACD workgroup with inbound interactions arriving at random (a Poisson process).

    ``arrivals_per_minute`` is the average arrival rate (0: none arrive); arrivals wait in the
    workgroup's queue until a free blended member is alerted. An alert not picked up within
    ``alert_timeout`` seconds goes back to the queue; an interaction nobody picked up within
    ``abandon_after`` seconds of arriving is abandoned by its caller (None: callers wait for ever).
    ``caller_hangup`` is how long a caller stays once picked up (None: until the agent disconnects).
    At most ``max_waiting`` interactions wait; an arrival beyond that is counted ``refused``.
    """

    name: str = Field(min_length=1)
    arrivals_per_minute: float = Field(0.0, ge=0.0, le=60_000.0)
    alert_timeout: float = Field(15.0, gt=0.0, le=3600.0)
    abandon_after: float | None = Field(300.0, gt=0.0, le=86400.0)
    caller_hangup: Delay | None = None
    max_waiting: int = Field(1000, ge=1, le=100_000)


class StatusSpec(_Spec):
    """A user status. ``available`` (which implies ``acd``) is what Dialer needs to pop calls (R4)."""

    id: str = Field(min_length=1)
    message_text: str = ""
    acd: bool = False
    available: bool = False
    after_call_work: bool = False
    do_not_disturb: bool = False
    selectable: bool = True
    group_tag: str = ""

    @model_validator(mode="after")
    def _available_is_acd(self) -> StatusSpec:
        if self.available and not self.acd:
            raise ValueError("an 'available' status must also be 'acd'")
        return self


def _default_statuses() -> list[StatusSpec]:
    return [
        StatusSpec(id="Available", acd=True, available=True, group_tag="Available"),
        StatusSpec(id="Do Not Disturb", do_not_disturb=True, group_tag="DoNotDisturb"),
        StatusSpec(id="At Lunch", group_tag="Away"),
        StatusSpec(id="Away from desk", group_tag="Away"),
        StatusSpec(id="Follow Up", acd=True, after_call_work=True, group_tag="Available"),
    ]


_DEFAULT_FEATURES: Final = {
    "configuration": 1,
    "connection": 11,
    "dialer": 4,
    "interactions": 1,
    "licenses": 1,
    "messaging": 2,
    "queues": 1,
    "status": 1,
}
"""The features the mock serves, by their official ids, at the version whose APIs it serves:
configuration 1 (a user's Logon Campaign right), connection 11 (switchover-status), dialer 4
(campaignIds in ready-for-calls; a few dialer 3 calls answer 501), interactions 1 (disconnect),
licenses 1 (acquiring licences), messaging 2 (server-sent events), queues 1 (a user queue's contents)
and status 1."""

DIALER_LICENCE: Final = "I3_ACCESS_DIALER_ADDON"
"""The Dialer Add-on licence: without it, Dialer calls answer 403 (official Dialer endpoint pages)."""


def _default_licences() -> dict[str, int | None]:
    return {"I3_ACCESS_CLIENT": None, DIALER_LICENCE: None}


class ServerBehaviour(_Spec):
    """Knobs for what the official ICWS pages leave open, and the leniencies some clients rely on.

    Every default is what a real CIC server does as far as the official pages tell (``icws-official.md``);
    where they are silent, the default is the seed reference's choice. A knob documented as a
    *leniency* accepts something a real server refuses; it exists for clients written against the
    seed rules and is off by default, except three the bot still relies on (marked below).
    """

    status_put_code: Literal[200, 202] = 202
    """PUT user-statuses answers 202 ``{requestId}`` plus asyncOperationCompletedMessage, or 200 empty."""
    after_disposition_status: str | None = "Follow Up"
    """Status the user is put in after a disposition (None: unchanged)."""
    require_available_after_disposition: bool = True
    """No pop after a disposition until the user sets an available status again (R27)."""
    preview_connect_message: bool = True
    """Send a second dataPopMessage with ``callPlaced: true`` when a placed preview call connects."""
    preview_timeout_action: Literal["place", "none"] = "place"
    """What happens when a preview pop's ``previewTimeout`` passes unplaced."""
    refuse_duplicate_dialer_login: bool = True
    """A Dialer log-in for a user whose Dialer agent is another session group's (another application
    name, or any other session when ``group_sessions_by_application`` is false) gets 403; when false, the
    new session takes over and the old group is logged out of Dialer (logoutGrantedMessage)."""
    group_sessions_by_application: bool = True
    """Sessions of one user and one application name act as one Dialer session (official Dialer overview
    page): a Dialer request from any of them acts on the same agent, each of them gets every Dialer
    message, and the agent stays logged in until the last of them closes. False: each session is its own
    Dialer agent, as the mock used to behave (see ``refuse_duplicate_dialer_login``)."""
    accept_empty_log_off_campaign_ids: bool = False
    """Leniency: a log-off with ``campaignIds: []`` counts as a global log-off (seed rule R28). A real
    server refuses it with 400, since ``campaignIds`` is ``List [1,*]`` and a global log-off omits the
    property (official log-off page)."""
    reschedule_any_label: bool = False
    """Leniency: ``scheduledTime`` is accepted with any label. A real server needs a label whose wrap-up
    category is "Scheduled" and answers 400 otherwise (official disposition page)."""
    disposition_unplaced_preview: bool = False
    """Leniency: a preview pop whose ``allowSkip`` is false may be dispositioned before it is placed. A
    real server answers 403: the call must be placed first (R6); only a preview with ``allowSkip`` true
    may be finished unplaced, with the label "Skipped - Agent Skip" (official disposition page)."""
    ready_covers_later_campaigns: bool = False
    """Leniency: a ready-for-calls that names no campaign also covers campaigns the agent joins later.
    A real server needs ready-for-calls again whenever the agent is logged in to another campaign,
    manually or automatically (official ready-for-calls page)."""
    campaign_stop_removes: bool = False
    """How a campaign stopped or started with ``POST /mock/campaigns/{campaign}`` is announced in
    availableCampaignsMessage: false lists it in ``campaignsChanged`` with its new ``status``; true
    removes it (``campaignsRemoved``) when it stops and adds it (``campaignsAdded``) when it starts. The
    official property table of the message is not readable, so both are offered."""
    feature_versions: dict[str, Annotated[int, Field(ge=1)]] = Field(
        default_factory=lambda: dict(_DEFAULT_FEATURES)
    )
    """Feature id -> version, as ``GET /icws/connection/features`` and ``include=features`` list them
    (official versioning page: a feature that is not listed is not supported)."""
    sse_keepalive: float = Field(15.0, gt=0.0, le=3600.0)
    """Seconds between comment lines on an idle server-sent-events stream."""
    dialer_licence: str | None = Field(DIALER_LICENCE, min_length=1)
    """The licence a user must hold (acquired by one of its sessions) for Dialer requests; without it
    they answer 403 "Neither the agent nor the station the agent is logged in to has a Dialer Add-on
    License available." (official Dialer endpoint pages). Leniency: None lets Dialer requests through
    without any licence."""


class Scenario(_Spec):
    """Everything the mock simulates; ``Scenario()`` is the default scenario."""

    ic_server: str = "botagent-mock"
    session_idle_expiry: float = Field(300.0, gt=0.0, le=604800.0)
    initial_status: str = "Away from desk"
    seed: int = 0
    """Seed of every draw. With the same seed each agent gets the same regular calls (campaign,
    contact, outcome, in order) whatever the timing of other agents' requests; callbacks, call ids,
    delays and abandons follow the timing (``_pacing.py``, Reproducibility)."""
    statuses: list[StatusSpec] = Field(default_factory=_default_statuses, min_length=1)
    campaigns: list[CampaignSpec] = Field(default_factory=_default_campaigns)
    users: list[UserGroup] = Field(default_factory=_default_users)
    licences: dict[Annotated[str, Field(min_length=1)], Annotated[int, Field(ge=0)] | None] = Field(
        default_factory=_default_licences
    )
    """Licence pools: licence name -> how many users may hold it at once (None: as many as there are)."""
    workgroups: list[WorkgroupSpec] = Field(default_factory=list)
    """ACD workgroups with inbound arrivals; users join them with their group's ``workgroups``."""
    behaviour: ServerBehaviour = Field(default_factory=ServerBehaviour)
    faults: list[FaultSpec] = Field(default_factory=list)
    max_body_bytes: int = Field(64 * 1024, ge=1024, le=64 * 1024 * 1024)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = [
            *self._status_problems(),
            *self._campaign_problems(),
            *self._user_problems(),
            *self._licence_problems(),
            *self._workgroup_problems(),
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _status_problems(self) -> Iterator[str]:
        ids = [s.id for s in self.statuses]
        folded = [i.casefold() for i in ids]
        for i in sorted({i for i in ids if folded.count(i.casefold()) > 1}):
            yield f"statuses: status id {i!r} is repeated (status ids are case-insensitive)"
        if not any(s.available for s in self.statuses):
            yield "statuses: at least one status must be 'available' (acd and ready for Dialer calls)"
        if self.status(self.initial_status) is None:
            yield f"initial_status: {self.initial_status!r} is not in statuses {ids}"
        after = self.behaviour.after_disposition_status
        if after is not None and self.status(after) is None:
            yield f"behaviour.after_disposition_status: {after!r} is not in statuses {ids}"

    def _campaign_problems(self) -> Iterator[str]:
        for key in ("name", "id"):
            values = [getattr(c, key) for c in self.campaigns]
            for value in sorted({v for v in values if values.count(v) > 1}):
                yield f"campaigns: campaign {key} {value!r} is repeated"

    def _user_problems(self) -> Iterator[str]:
        known = {c.name for c in self.campaigns} | {c.id for c in self.campaigns}
        for index, group in enumerate(self.users):
            if group.campaigns != "all":
                for ref in group.campaigns:
                    if ref not in known:
                        yield f"users.{index}.campaigns: unknown campaign {ref!r}"
        seen: set[str] = set()
        for index, group in enumerate(self.users):
            for user_id in group.user_ids():
                if user_id in seen:
                    yield f"users.{index}: user {user_id!r} is defined twice"
                    break
                seen.add(user_id)

    def _licence_problems(self) -> Iterator[str]:
        for index, group in enumerate(self.users):
            if group.licences != "all":
                for name in group.licences:
                    if name not in self.licences:
                        yield f"users.{index}.licences: {name!r} is not in licences {sorted(self.licences)}"
        dialer = self.behaviour.dialer_licence
        if dialer is not None and dialer not in self.licences:
            yield f"behaviour.dialer_licence: {dialer!r} is not in licences {sorted(self.licences)}"

    def _workgroup_problems(self) -> Iterator[str]:
        names = [w.name for w in self.workgroups]
        for name in sorted({n for n in names if names.count(n) > 1}):
            yield f"workgroups: workgroup name {name!r} is repeated"
        for index, group in enumerate(self.users):
            for name in group.workgroups:
                if name not in names:
                    yield f"users.{index}.workgroups: {name!r} is not in workgroups {sorted(names)}"

    @cached_property
    def user_table(self) -> dict[str, ResolvedUser]:
        """Every user by id, with the campaign ids each is eligible for."""
        table: dict[str, ResolvedUser] = {}
        for group in self.users:
            ids = self._campaign_ids(group.campaigns)
            for user_id in group.user_ids():
                table[user_id] = ResolvedUser(
                    user_id=user_id,
                    password=group.password,
                    has_logon_campaign_right=group.has_logon_campaign_right,
                    campaign_ids=ids,
                    licences=tuple(self.licences) if group.licences == "all" else tuple(group.licences),
                    workgroups=tuple(group.workgroups),
                )
        return table

    def _campaign_ids(self, refs: Literal["all"] | list[str]) -> tuple[str, ...]:
        if refs == "all":
            return tuple(c.id for c in self.campaigns)
        wanted = set(refs)
        return tuple(c.id for c in self.campaigns if c.name in wanted or c.id in wanted)

    def status(self, status_id: str) -> StatusSpec | None:
        """Return the status with this id in any letter case, or None.

        Status ids are case-insensitive (official Status page and every ``statusId``).
        """
        return self.status_table.get(status_id.casefold())

    @cached_property
    def status_table(self) -> dict[str, StatusSpec]:
        """Every status by its id in lower case (``str.casefold``), the first of equal ids kept."""
        table: dict[str, StatusSpec] = {}
        for spec in self.statuses:
            table.setdefault(spec.id.casefold(), spec)
        return table


def default_scenario() -> Scenario:
    """Return the default scenario: three campaigns (predictive, power, preview), 5100 users.

    The campaigns' weights 3:2:1 split the calls of each agent logged in to all three: half, a third
    and a sixth.

    Users ``agent0001``..``agent5000`` lack the Logon Campaign right, ``campaignagent0001``..
    ``campaignagent0100`` hold it; every password is ``botagent``; everyone is eligible for all three.
    """
    return Scenario()


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a YAML scenario file.

    Raises:
        ScenarioError: the file cannot be read, is not YAML, or does not fit the schema; one line per
            problem, ``<file>: <dotted.key>: <what is wrong> (got <value>)``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario file: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: the top level must be a mapping (got {type(data).__name__})")
    return scenario_from_dict(data, source=str(path), base_dir=path.parent)


def scenario_from_dict(
    data: dict[str, Any], *, source: str = "<scenario>", base_dir: Path | None = None
) -> Scenario:
    """Validate a scenario given as plain data (as decoded from YAML or JSON).

    Raises:
        ScenarioError: one line per problem, prefixed with ``source``.
    """
    try:
        return Scenario.model_validate(data, context={"base_dir": base_dir or Path.cwd()})
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(source, exc)) from None


def format_validation_error(source: str, exc: ValidationError) -> str:
    """Render a pydantic error as ``<source>: <dotted.key>: <what is wrong> (got <value>)`` lines."""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        key = ".".join(str(part) for part in error["loc"])
        if not key:
            lines.extend(f"{source}: {line}" for line in message.splitlines())
            continue
        got = "" if error["type"] == "missing" else f" (got {_short(error['input'])})"
        lines.append(f"{source}: {key}: {message}{got}")
    return "\n".join(lines)


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
