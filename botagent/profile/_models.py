"""The profile: everything a run needs to know, as pydantic models.

Every model forbids unknown keys and every field has a default, so an empty profile is valid: one
agent (from the mock's users agent0001..agent5000) working against the embedded mock for a minute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from botagent.wire import (
    RemoteNumberSettings,
    RemoteWorkstationSettings,
    StationlessSettings,
    StationSettings,
    WorkstationSettings,
)

from ._base import ProfileModel, existing_file, field_error
from ._distributions import Constant, Distribution, Uniform
from ._durations import Duration
from ._identities import Identities, PatternIdentities
from ._thresholds import Thresholds

__all__ = [
    "DIALER_AGENT_LICENCES",
    "Behaviour",
    "Breaks",
    "CallControl",
    "Load",
    "Logoff",
    "Messaging",
    "MockOptions",
    "OnError",
    "Preview",
    "Profile",
    "RemoteNumberStation",
    "RemoteWorkstationStation",
    "Reschedule",
    "Retries",
    "Station",
    "StationlessStation",
    "StatusChanges",
    "Switchover",
    "Timeouts",
    "Tls",
    "WorkstationStation",
]

DIALER_AGENT_LICENCES: Final = ("I3_ACCESS_CLIENT", "I3_ACCESS_DIALER_ADDON")
"""The licences a Dialer agent acquires by default: client access, and the Dialer Add-on licence without
which Dialer calls answer 403 (official Dialer endpoint pages)."""

_Probability = Annotated[float, Field(ge=0, le=1)]
_Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Tls(ProfileModel):
    """How the server's certificate is checked on https targets."""

    verify: bool = Field(True, description="Check the server certificate (turn off only for test servers).")
    ca_bundle: Path | None = Field(
        None, description="PEM file of extra CA certificates, relative to the profile."
    )

    @field_validator("ca_bundle")
    @classmethod
    def _bundle_exists(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        return None if path is None else existing_file(path, info)


class WorkstationStation(ProfileModel):
    """Log on to a CIC workstation (a station defined on the server)."""

    type: Literal["workstation"] = "workstation"
    workstation: str = Field(min_length=1, description="Station name.")

    def settings(self) -> WorkstationSettings:
        """The ICWS station settings to log on with."""
        return WorkstationSettings(workstation=self.workstation)


class RemoteWorkstationStation(ProfileModel):
    """Log on to a remote workstation, optionally reached at a given number."""

    type: Literal["remote_workstation"] = "remote_workstation"
    workstation: str = Field(min_length=1, description="Station name.")
    remote_number: str | None = Field(None, min_length=1, description="Number the station is reached at.")

    def settings(self) -> RemoteWorkstationSettings:
        """The ICWS station settings to log on with."""
        return RemoteWorkstationSettings(workstation=self.workstation, remote_number=self.remote_number)


class RemoteNumberStation(ProfileModel):
    """Log on with a remote phone number and no station."""

    type: Literal["remote_number"] = "remote_number"
    remote_number: str = Field(min_length=1, description="Phone number calls are sent to.")
    persistent: bool = Field(False, description="Keep one call to the number open between Dialer calls.")

    def settings(self) -> RemoteNumberSettings:
        """The ICWS station settings to log on with."""
        return RemoteNumberSettings(remote_number=self.remote_number, persistent_connection=self.persistent)


class StationlessStation(ProfileModel):
    """Log on without a station."""

    type: Literal["stationless"] = "stationless"

    def settings(self) -> StationlessSettings:
        """The ICWS station settings to log on with."""
        return StationlessSettings()


Station = Annotated[
    WorkstationStation | RemoteWorkstationStation | RemoteNumberStation | StationlessStation,
    Field(discriminator="type"),
]
"""The station an agent logs on with, by ``type``."""


class Load(ProfileModel):
    """How many agents, how fast they start, and for how long."""

    users: int = Field(1, ge=1, description="Number of simulated agents.")
    spawn_rate: float = Field(1.0, gt=0, allow_inf_nan=False, description="Agents started per second.")
    run_time: Duration = Field(
        60.0, description='Length of the run: seconds, or "90s", "10m", "2h", "1h30m".'
    )
    processes: int = Field(1, description="Locust worker processes on this machine; -1 means one per core.")

    @field_validator("processes")
    @classmethod
    def _processes_positive_or_all(cls, processes: int) -> int:
        if processes != -1 and processes < 1:
            raise ValueError("processes must be 1 or more, or -1 for one per core")
        return processes

    @field_validator("run_time")
    @classmethod
    def _run_time_positive(cls, run_time: float) -> float:
        if run_time <= 0:
            raise ValueError("run_time must be above 0 (Locust would take 0 as no limit)")
        return run_time


class Messaging(ProfileModel):
    """How agents receive ICWS messages."""

    mode: Literal["sse", "poll"] = Field(
        "sse", description="sse: one event stream per agent; poll: short polls."
    )
    poll_interval: _Seconds = Field(1.0, description="Seconds between polls in poll mode.")


class Reschedule(ProfileModel):
    """Calls dispositioned with a schedule, so they come back as callbacks."""

    probability: _Probability = Field(0.0, description="Chance a call is rescheduled, 0..1.")
    offset: Distribution = Field(
        Constant(value=60.0), description="Seconds from the disposition to the scheduled time."
    )
    agent: str = Field(
        "self",
        min_length=1,
        description=(
            'Who gets the callback: "self", "none" (any agent) or a CIC user name; sent only where the '
            "call allows agent-owned callbacks (allowAgentCallbacks), else the callback has no owner."
        ),
    )
    labels: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None,
        min_length=1,
        description=(
            "Labels a rescheduled call may take; a label counts only where the call gives it wrap-up "
            'category "Scheduled" (null: every such label of the call).'
        ),
    )


class Preview(ProfileModel):
    """What an agent does with preview calls besides placing them."""

    skip_probability: _Probability = Field(
        0.0,
        description='Chance a preview is skipped ("Skipped - Agent Skip") where its pop allows it, 0..1.',
    )


class Breaks(ProfileModel):
    """Breaks requested between calls."""

    every_calls: int | None = Field(
        None, ge=1, description="Request a break after every N calls (null: never)."
    )
    probability: _Probability = Field(0.0, description="Chance of requesting a break after any call, 0..1.")
    length: Distribution = Field(Uniform(low=5.0, high=15.0), description="Seconds on break.")


class StatusChanges(ProfileModel):
    """Manual changes to a non-ACD status between calls (Dialer treats them as a break)."""

    probability: _Probability = Field(0.0, description="Chance of a status change after any call, 0..1.")
    status: str = Field("Do Not Disturb", min_length=1, description="Status message to set.")
    length: Distribution = Field(Uniform(low=5.0, high=15.0), description="Seconds in that status.")


class Logoff(ProfileModel):
    """When an agent logs off Dialer on its own, ending its cycle."""

    after_calls: int | None = Field(None, ge=1, description="Log off after this many calls (null: never).")
    after_time: Duration | None = Field(None, description="Log off after this long logged in (null: never).")
    scope: Literal["all", "campaigns"] = Field(
        "all", description="all: log off all of Dialer; campaigns: log off each campaign, staying in Dialer."
    )


class CallControl(ProfileModel):
    """Each Dialer call as an ICWS interaction on the agent's own queue, handled as agent pages do."""

    read_rights: bool = Field(
        True,
        description=(
            "Read the user's own Logon Campaign right (GET configuration/users, securityRights) before the "
            "Dialer log-in, and report a rule violation when Dialer says otherwise."
        ),
    )
    watch_queue: bool = Field(
        True,
        description=(
            "Watch the user's own queue and follow each call's interaction: a far end that hangs up "
            "ends the talk early (needs the server's queues and interactions features)."
        ),
    )
    disconnect: bool = Field(
        True,
        description=(
            "Disconnect a watched call after its talk time, before its disposition, unless its pop says "
            "the server does on disposition (autoDisconnectOnDisposition)."
        ),
    )


class Blended(ProfileModel):
    """Inbound ACD interactions besides Dialer calls (seed rule R33): what a blended agent does."""

    enabled: bool = Field(
        False,
        description=(
            "Pick up inbound ACD interactions alerting on the user's queue while waiting for a Dialer "
            "call, talk, then disconnect them. false: ignore them, as a Dialer-only agent page does. "
            "The user must be in an ACD workgroup and the available status an ACD status; needs "
            "calls.watch_queue."
        ),
    )
    talk_time: Distribution = Field(
        Uniform(low=2.0, high=5.0),
        description="Seconds connected to an ACD interaction before disconnecting it (the caller may "
        "hang up first).",
    )


def _dispositions_default() -> dict[str, float]:
    return {"any": 1.0}


_Label = Annotated[str, Field(min_length=1)]
_Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Behaviour(ProfileModel):
    """What an agent does with each call and between calls; times are seconds."""

    talk_time: Distribution = Field(
        Uniform(low=2.0, high=5.0), description="Seconds connected before wrap-up."
    )
    preview_think_time: Distribution = Field(
        Uniform(low=1.0, high=3.0), description="Seconds between a preview pop and placing the call."
    )
    wrap_up_time: Distribution = Field(
        Uniform(low=1.0, high=3.0), description="Seconds between the end of talk and the disposition."
    )
    dispositions: dict[_Label, _Weight] = Field(
        default_factory=_dispositions_default,
        description='Disposition label -> relative weight; "any": uniform over the call\'s own labels.',
    )
    reschedule: Reschedule = Field(default_factory=Reschedule, description="Rescheduled calls (callbacks).")
    preview: Preview = Field(default_factory=Preview, description="Skipping preview calls.")
    breaks: Breaks = Field(default_factory=Breaks, description="Breaks between calls.")
    status_changes: StatusChanges = Field(
        default_factory=StatusChanges, description="Non-ACD status changes."
    )
    logoff: Logoff = Field(default_factory=Logoff, description="Logging off during the run.")
    calls: CallControl = Field(
        default_factory=CallControl, description="Rights, the user queue and disconnecting calls."
    )
    blended: Blended = Field(
        default_factory=Blended, description="Inbound ACD interactions besides Dialer calls (R33)."
    )

    @field_validator("dispositions")
    @classmethod
    def _some_weight(cls, weights: dict[str, float]) -> dict[str, float]:
        if not any(weight > 0 for weight in weights.values()):
            raise ValueError("at least one disposition needs a weight above 0")
        return weights

    @model_validator(mode="after")
    def _blended_watches_the_queue(self) -> Behaviour:
        if self.blended.enabled and not self.calls.watch_queue:
            raise ValueError(
                "blended.enabled needs calls.watch_queue: inbound ACD alerts arrive on the user queue"
            )
        return self


class Timeouts(ProfileModel):
    """How long to wait before a step counts as failed, in seconds."""

    request: _Seconds = Field(10.0, description="One HTTP request.")
    pop: _Seconds = Field(60.0, description="From ready for calls to the next Dialer call.")
    break_grant: _Seconds = Field(120.0, description="From request-break to the break being granted.")
    logoff_grant: _Seconds = Field(120.0, description="From log-off to logoutGrantedMessage.")
    session_open: _Seconds = Field(
        10.0, description="The request creating the ICWS session (POST /connection), instead of request."
    )


class Retries(ProfileModel):
    """When a failed request is sent again: after a 503, or after no answer when repeating is harmless."""

    attempts: int = Field(3, ge=1, le=10, description="Tries in all, the first included (1: never retry).")
    max_wait: Duration = Field(
        10.0, description="Longest wait before a retry; a longer Retry-After is not waited for."
    )


class OnError(ProfileModel):
    """What an agent does after a failed step."""

    policy: Literal["stop", "restart"] = Field(
        "restart", description="stop: the agent ends; restart: it opens a new session after the pause."
    )
    pause: Duration = Field(5.0, description="Seconds to wait before restarting.")


class Switchover(ProfileModel):
    """How agents ride through a CIC switchover (a switchover pair's backup taking over)."""

    poll_interval: Duration | None = Field(
        None,
        description="Seconds between each agent's GET switchover-status, as agent pages poll it; a new "
        "primaryHost reports a switchover in the summary. null or 0: never (a request per agent per "
        "interval, and it changes nothing an agent does).",
    )
    backoff: Duration = Field(
        0.5,
        description="Pause before logging in again after the server dropped the session; doubles "
        "with each failed try, up to backoff_max.",
    )
    backoff_max: Duration = Field(5.0, description="Longest pause between tries to log in again.")
    ride_through: Duration = Field(
        120.0,
        description="How long after the server dropped its session an agent keeps trying to log "
        "in again, whatever on_error says.",
    )


class MockOptions(ProfileModel):
    """How the embedded mock runs (target mock only)."""

    switchover_pair: bool = Field(
        False,
        description="Run the mock as a switchover pair: the target is its primary, a second "
        "listener its backup.",
    )
    switchover_at: Duration | None = Field(
        None,
        description="Switch the pair over this many seconds after the test starts (implies "
        "switchover_pair); null: never.",
    )
    ledger_file: Path | None = Field(
        None,
        description="Keep the mock's settled calls in this SQLite file (replaced if it exists; table "
        "'calls'), readable after the run; null: a private temporary file.",
    )

    @property
    def pair(self) -> bool:
        """Whether the mock runs as a switchover pair."""
        return self.switchover_pair or self.switchover_at is not None


def _check_target(target: str) -> str:
    if target == "mock":
        return target
    expected = 'expected "mock" or an http(s) base URL such as https://cic.example.com:8019'
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as error:
        raise ValueError(f"{expected} ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in target):
        raise ValueError(expected)
    if parts.query or parts.fragment:
        raise ValueError("the base URL cannot have a query or a fragment")
    return target.rstrip("/")


class Profile(ProfileModel):
    """A load-test profile: target, agents, their behaviour and the pass/fail thresholds."""

    name: str = Field("profile", min_length=1, description="Name of the run; defaults to the file name.")
    description: str = Field("", description="Free text shown in reports.")
    target: str = Field(
        "mock",
        description='"mock" for the embedded mock ICWS, or the server base URL (may include a path prefix).',
    )
    mock_scenario: Path | None = Field(
        None, description="Mock scenario YAML, relative to the profile (target mock only)."
    )
    mock: MockOptions = Field(
        default_factory=MockOptions, description="The embedded mock (target mock only)."
    )
    application_name: str = Field("botagent", min_length=1, description="applicationName sent on connection.")
    language: str = Field(
        "en-US", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", description="Language tag of the session."
    )
    tls: Tls = Field(default_factory=Tls, description="Certificate checks for https targets.")
    station: Station | None = Field(None, description="Station to log on with (null: the server default).")
    load: Load = Field(default_factory=Load, description="Number of agents, ramp-up and duration.")
    identities: Identities = Field(
        default_factory=lambda: PatternIdentities(password=SecretStr("botagent")),
        description="Where user names and passwords come from (default: the mock's agent0001..agent5000).",
    )
    campaigns: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Campaign names or ids to log in to with the Logon Campaign right; empty: all offered.",
    )
    licences: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: list(DIALER_AGENT_LICENCES),
        description=(
            "Licences each agent acquires right after connecting, before the Dialer log-in (a licence "
            "not acquired stops the agent with a step error); empty: acquire none."
        ),
    )
    messaging: Messaging = Field(default_factory=Messaging, description="Server-sent events or polling.")
    behaviour: Behaviour = Field(default_factory=Behaviour, description="Talk, wrap-up, breaks, logoff.")
    timeouts: Timeouts = Field(default_factory=Timeouts, description="Seconds before a step fails.")
    retries: Retries = Field(default_factory=Retries, description="Which failed requests are sent again.")
    on_error: OnError = Field(default_factory=OnError, description="What an agent does after a failure.")
    switchover: Switchover = Field(
        default_factory=Switchover, description="Riding through a switchover: back-off, status polls."
    )
    seed: int = Field(
        1, description="Seed of the behaviour random draws; the same seed replays the same run."
    )
    thresholds: Thresholds = Field(default_factory=Thresholds, description="What makes the run pass.")

    @field_validator("target")
    @classmethod
    def _target_is_mock_or_url(cls, target: str) -> str:
        return _check_target(target)

    @field_validator("mock_scenario")
    @classmethod
    def _scenario_exists(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        return None if path is None else existing_file(path, info)

    @model_validator(mode="after")
    def _scenario_needs_mock(self) -> Profile:
        if self.mock_scenario is not None and self.target != "mock":
            scenario = str(self.mock_scenario)
            raise field_error("Profile", "mock_scenario", scenario, "applies only to target mock")
        if self.mock.pair and self.target != "mock":
            raise field_error("Profile", "mock", "switchover pair", "applies only to target mock")
        return self

    def station_settings(self) -> StationSettings | None:
        """The ICWS station settings of ``station``, or None to log on without setting one."""
        return None if self.station is None else self.station.settings()
