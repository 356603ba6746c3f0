"""botagent.profile: the YAML profile of a load-test run, validated by pydantic models.

    from botagent.profile import load_profile

    profile = load_profile("profiles/smoke.yaml", overrides={"load": {"users": 5}})
    profile.load.users                      # 5
    profile.behaviour.talk_time.sample(rng)  # seconds, from a seeded random.Random
    profile.identities.expand()             # [Identity(username='agent0001'), ...]

``default_profile_path()`` is the smoke profile shipped inside the package, what ``botagent run``
runs when no profile is named.

Every problem in a profile raises :class:`ProfileError`, one line per problem naming the file and the
dotted key. ``python -m botagent.profile`` prints the JSON schema (``profiles/profile.schema.json``).
"""

from botagent.wire import ProfileError

from ._default import default_profile_path, packaged_profile_path
from ._distributions import Constant, Distribution, Lognormal, Normal, Uniform
from ._durations import Duration, parse_duration
from ._identities import CsvIdentities, Identities, Identity, PatternIdentities
from ._load import deep_merge, load_profile, profile_json_schema, render_schema
from ._models import (
    DIALER_AGENT_LICENCES,
    Behaviour,
    Breaks,
    CallControl,
    Load,
    Logoff,
    Messaging,
    MockOptions,
    OnError,
    Preview,
    Profile,
    RemoteNumberStation,
    RemoteWorkstationStation,
    Reschedule,
    Retries,
    Station,
    StationlessStation,
    StatusChanges,
    Switchover,
    Timeouts,
    Tls,
    WorkstationStation,
)
from ._thresholds import (
    CAMPAIGN_KPI_NAMES,
    ENDPOINT_NAMES,
    KPI_NAMES,
    Bounds,
    CallsPerAgent,
    CampaignBounds,
    MinCalls,
    Thresholds,
    campaign_name_hint,
)

__all__ = [
    "Behaviour",
    "Bounds",
    "Breaks",
    "CAMPAIGN_KPI_NAMES",
    "CallControl",
    "CallsPerAgent",
    "CampaignBounds",
    "Constant",
    "CsvIdentities",
    "DIALER_AGENT_LICENCES",
    "Distribution",
    "Duration",
    "ENDPOINT_NAMES",
    "Identities",
    "Identity",
    "KPI_NAMES",
    "Load",
    "Lognormal",
    "Logoff",
    "Messaging",
    "MinCalls",
    "MockOptions",
    "Normal",
    "OnError",
    "PatternIdentities",
    "Preview",
    "Profile",
    "ProfileError",
    "RemoteNumberStation",
    "RemoteWorkstationStation",
    "Reschedule",
    "Retries",
    "Station",
    "StationlessStation",
    "StatusChanges",
    "Switchover",
    "Thresholds",
    "Timeouts",
    "Tls",
    "Uniform",
    "WorkstationStation",
    "campaign_name_hint",
    "deep_merge",
    "default_profile_path",
    "load_profile",
    "packaged_profile_path",
    "parse_duration",
    "profile_json_schema",
    "render_schema",
]
