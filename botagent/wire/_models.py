"""ICWS wire models: the single definition of every body and message botagent and its mock exchange.

Python fields are snake_case; the wire names are their camelCase aliases (a few ICWS names such as
``userID`` are spelt out). Models accept either name, keep unknown fields a real server adds
(``extra="allow"``), and ``to_wire()`` gives the JSON-ready dict with wire names and no ``None`` values,
because Dialer fields are never null. Polymorphic objects are told apart by ``__type``; messages whose
``__type`` botagent does not know parse as ``UnknownMessage`` instead of failing.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    TypeAdapter,
)
from pydantic.alias_generators import to_camel

__all__ = [
    "ASYNC_OPERATION_COMPLETED_MESSAGE",
    "AVAILABLE_CAMPAIGNS_MESSAGE",
    "BREAK_STATUS_MESSAGE",
    "CONNECTION_STATE_CHANGE_MESSAGE",
    "DATA_POP",
    "DATA_POP_MESSAGE",
    "DIALER_URN",
    "DISCONNECTED_STATES",
    "ICWS_MEDIA_TYPE",
    "LOGOUT_GRANTED_MESSAGE",
    "PREVIEW_POP",
    "QUEUE_CONTENTS_MESSAGE",
    "USER_STATUS_MESSAGE",
    "AsyncOperationCompletedMessage",
    "AsyncRequest",
    "AuthenticationInfo",
    "AutoLoginMessage",
    "AutoLogoutMessage",
    "AvailableCampaign",
    "AvailableCampaignsMessage",
    "BreakStatus",
    "BreakStatusMessage",
    "CampaignLogonErrorCode",
    "CampaignStatus",
    "CampaignType",
    "ChangedCampaign",
    "ConfigurationId",
    "ConfigurationUser",
    "ConnectionRequest",
    "ConnectionResponse",
    "ConnectionState",
    "ConnectionStateChangeMessage",
    "ConnectionStateResponse",
    "DataPopCall",
    "DataPopMessage",
    "DialerCall",
    "DialingMode",
    "Disposition",
    "DispositionRequest",
    "ErrorBody",
    "Feature",
    "FeatureList",
    "FormDefinition",
    "FormMisc",
    "InheritedBoolean",
    "InteractionState",
    "Language",
    "LicenseOperationResult",
    "LicenseOperationResults",
    "LicenseRequest",
    "LicenseStatus",
    "LogInRequest",
    "LogOffRequest",
    "LoggedOutCampaign",
    "LogoutGrantedMessage",
    "ManualOutboundCallStatusMessage",
    "Message",
    "OutboundServerConnectionStateChangeMessage",
    "PlacePreviewCallRequest",
    "PreviewPopCall",
    "QueueContentsMessage",
    "QueueId",
    "QueueInteraction",
    "QueueSubscriptionRequest",
    "QueueType",
    "ReadyForCallsRequest",
    "RelativeTo",
    "RemoteNumberSettings",
    "RemoteWorkstationSettings",
    "RemovedCampaign",
    "RequestFormDefinitionRequest",
    "SecurityRights",
    "ServerInfo",
    "SetFormDefinitionMessage",
    "StationInformation",
    "StationSettingType",
    "StationSettings",
    "StationlessSettings",
    "StatusMessageDefinition",
    "StatusMessageList",
    "SubscriptionStateMessage",
    "SwitchoverStatus",
    "UnknownMessage",
    "UpdateCallDataRequest",
    "UserStatus",
    "UserStatusMessage",
    "UserStatusSubscriptionRequest",
    "UserStatusUpdate",
    "VersionInfo",
    "WireModel",
    "WorkstationSettings",
    "format_icws_datetime",
    "parse_icws_datetime",
    "parse_message",
    "parse_messages",
]

ICWS_MEDIA_TYPE: Final = "application/vnd.inin.icws+json"
DIALER_URN: Final = "urn:inin.com:dialer:"

DATA_POP_MESSAGE: Final = "urn:inin.com:dialer:dataPopMessage"
BREAK_STATUS_MESSAGE: Final = "urn:inin.com:dialer:breakStatusMessage"
AVAILABLE_CAMPAIGNS_MESSAGE: Final = "urn:inin.com:dialer:availableCampaignsMessage"
LOGOUT_GRANTED_MESSAGE: Final = "urn:inin.com:dialer:logoutGrantedMessage"
DATA_POP: Final = "urn:inin.com:dialer:dataPop"
PREVIEW_POP: Final = "urn:inin.com:dialer:previewPop"
CONNECTION_STATE_CHANGE_MESSAGE: Final = "urn:inin.com:connection:connectionStateChangeMessage"
ASYNC_OPERATION_COMPLETED_MESSAGE: Final = "urn:inin.com:messaging:asyncOperationCompletedMessage"
USER_STATUS_MESSAGE: Final = "urn:inin.com:status:userStatusMessage"
QUEUE_CONTENTS_MESSAGE: Final = "urn:inin.com:queues:queueContentsMessage"


# --- enums: the wire value is the number ---------------------------------------------------------


class BreakStatus(enum.IntEnum):
    NOT_ON_BREAK = 0
    BREAK_PENDING = 1
    ON_BREAK = 2


class DialingMode(enum.IntEnum):
    PREVIEW = 0
    OWN_AGENT_CALLBACK_PREVIEW = 1
    REGULAR = 2
    OWN_AGENT_CALLBACK = 3
    AGENTLESS = 4
    PRECISE = 5
    MANUAL = 6


class CampaignType(enum.IntEnum):
    PREDICTIVE = 1
    POWER = 2
    PREVIEW = 3
    AGENTLESS = 8


class CampaignStatus(enum.IntEnum):
    INVALID = 0
    ON = 1
    OFF = 2
    SCHEDULE_ONLY = 4
    AUTO = 8
    PAUSED = 16
    COMPLETED = 32


class CampaignLogonErrorCode(enum.IntEnum):
    UNKNOWN_ERROR = 0
    WRONG_WORKGROUP = 1
    CAMPAIGN_NOT_FOUND = 2
    CAMPAIGN_STOPPING = 3


class RelativeTo(enum.IntEnum):
    UTC = 0
    CONTACT = 1


class ConnectionState(enum.IntEnum):
    NONE = 0
    UP = 1
    DOWN = 2


class StationSettingType(enum.IntEnum):
    """The kind of station a session is logged in to (``stationInformation.stationSetting``)."""

    NONE = 0
    WORKSTATION = 1
    REMOTE_WORKSTATION = 2
    REMOTE_NUMBER = 3


class LicenseStatus(enum.IntEnum):
    """Why a licence was or was not acquired (``licenseOperationResult.licenseStatus``).

    The official licenses page shows ``unknownError`` 0 ("Indicates that an error occurred ..."); the
    rest of the enumeration is cut off there and follows the values public ICWS clients use.
    """

    UNKNOWN_ERROR = 0
    NONE = 1
    AVAILABLE = 2
    NOT_ASSIGNED = 3
    UNAVAILABLE = 4
    USER_ON_ANOTHER_STATION = 5
    STATION_IN_USE_OTHER_MACHINE = 6
    STATION_IN_USE_OTHER_USER = 7
    OTHER_APPLICATION = 8

    @classmethod
    def describe(cls, value: int | None) -> str:
        """``4 (unavailable)`` for a known value, the bare number for another, ``none given`` for None."""
        if value is None:
            return "none given"
        try:
            return f"{value} ({cls(value).name.lower().replace('_', ' ')})"
        except ValueError:
            return str(value)


# --- dates ----------------------------------------------------------------------------------------


def parse_icws_datetime(value: object) -> object:
    """Parse ``YYYY-MM-DDTHH:MM:SS[.fff]Z`` or compact ``YYYYMMDDTHHMMSSZ`` into an aware datetime.

    Anything that is not a string is returned unchanged for pydantic to judge.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if len(text) == 16 and text[8] == "T" and text.endswith("Z"):
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def format_icws_datetime(value: datetime) -> str:
    """Format a datetime as ICWS servers emit it: compact UTC, ``YYYYMMDDTHHMMSSZ``."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


IcwsDateTime = Annotated[
    datetime,
    BeforeValidator(parse_icws_datetime),
    PlainSerializer(format_icws_datetime, return_type=str),
]


# --- base ----------------------------------------------------------------------------------------


class WireModel(BaseModel):
    """Base of every ICWS body: camelCase aliases, unknown fields kept, ``to_wire()`` for sending."""

    model_config = ConfigDict(
        extra="allow",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """Return the JSON-ready dict with wire names, leaving out fields that are None."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class ErrorBody(WireModel):
    """The ICWS error body (``urn:inin.com:common:error`` and its subtypes)."""

    type: str | None = Field(None, alias="__type")
    error_id: str | None = None
    message: str
    property_name: str | None = None
    logon_error: int | None = None


# --- connection -------------------------------------------------------------------------------------


class ConnectionRequest(WireModel):
    """Body of ``POST /icws/connection`` for a user/password log-in."""

    type: Literal["urn:inin.com:connection:icAuthConnectionRequestSettings"] = Field(
        "urn:inin.com:connection:icAuthConnectionRequestSettings", alias="__type"
    )
    application_name: str
    user_id: str = Field(alias="userID")
    password: str = Field(repr=False)
    market_place_application_license_name: str | None = None
    market_place_application_code: str | None = None


class Feature(WireModel):
    """One server feature and its version (``GET /icws/connection/features/{featureId}``)."""

    feature_id: str
    version: int


class FeatureList(WireModel):
    """The 200 body of ``GET /icws/connection/features``."""

    feature_info_list: list[Feature]


class VersionInfo(WireModel):
    """The 200 body of ``GET /icws/connection/version``: every field a string (official version page)."""

    major_version: str
    minor_version: str
    su: str
    build: str
    product_id: str
    codebase_id: str
    product_release_display_string: str | None = None
    product_patch_display_string: str | None = None


class Language(WireModel):
    """A language the server offers (``serverInfo.languages``)."""

    language_id: str = Field(alias="languageID")
    language_display_name: str


class AuthenticationInfo(WireModel):
    """How clients may authenticate (``serverInfo.authentication``)."""

    allow_ic_auth: bool
    identity_providers: list[dict[str, Any]] | None = None
    user_agreement_text: str | None = None


class ServerInfo(WireModel):
    """The 200 body of ``GET /icws/connection/server-info``."""

    languages: list[Language]
    accept_language: str
    authentication: AuthenticationInfo | None = None


class SwitchoverStatus(WireModel):
    """The 200 body of ``GET /icws/{sessionId}/connection/switchover-status`` (connection 11)."""

    is_switchover_active: bool
    primary_host: str
    backup_host: str | None = None
    is_backup_ic_stopping: bool | None = Field(None, alias="isBackupICStopping")
    is_backup_ic_starting: bool | None = Field(None, alias="isBackupICStarting")
    is_manual_switch_only: bool | None = None
    backup_state: int | None = None
    backup_version: str | None = None
    subsystems_down: list[str] | None = None


class StationInformation(WireModel):
    """The 200 body of ``GET /icws/{sessionId}/connection/station``: the station logged in to."""

    id: str
    extension: str
    station_setting: StationSettingType
    can_be_dialed: bool | None = None
    ring_always: bool | None = None
    remote_number: str | None = None
    allowed_media_types: list[int] | None = None


class ConnectionResponse(WireModel):
    """The 201 body of ``POST /icws/connection``."""

    csrf_token: str
    session_id: str
    user_id: str | None = Field(None, alias="userID")
    user_display_name: str | None = None
    ic_server: str | None = None
    alternate_host_list: list[str] | None = None
    days_until_password_expiration: int | None = None
    version: dict[str, Any] | None = None
    features: list[Feature] | None = None
    server_time_info: dict[str, Any] | None = None
    default_workstation_id: str | None = None
    effective_station: dict[str, Any] | None = None

    def feature_version(self, feature_id: str) -> int | None:
        """Return the version of a server feature such as ``messaging``, or None when not listed."""
        for feature in self.features or ():
            if feature.feature_id == feature_id:
                return feature.version
        return None


class ConnectionStateResponse(WireModel):
    """The 200 body of ``GET /icws/{sessionId}/connection``."""

    connection_state: int
    reason: str | None = None
    should_reconnect: bool | None = None


class _StationBase(WireModel):
    supported_media_types: list[int] | None = None
    station_connection_mode: int | None = None
    ready_for_interactions: bool | None = None


class WorkstationSettings(_StationBase):
    type: Literal["urn:inin.com:connection:workstationSettings"] = Field(
        "urn:inin.com:connection:workstationSettings", alias="__type"
    )
    workstation: str


class RemoteWorkstationSettings(_StationBase):
    type: Literal["urn:inin.com:connection:remoteWorkstationSettings"] = Field(
        "urn:inin.com:connection:remoteWorkstationSettings", alias="__type"
    )
    workstation: str
    remote_number: str | None = None


class RemoteNumberSettings(_StationBase):
    type: Literal["urn:inin.com:connection:remoteNumberSettings"] = Field(
        "urn:inin.com:connection:remoteNumberSettings", alias="__type"
    )
    remote_number: str
    persistent_connection: bool | None = None


class StationlessSettings(_StationBase):
    type: Literal["urn:inin.com:connection:stationlessSettings"] = Field(
        "urn:inin.com:connection:stationlessSettings", alias="__type"
    )


StationSettings = Annotated[
    WorkstationSettings | RemoteWorkstationSettings | RemoteNumberSettings | StationlessSettings,
    Field(discriminator="type"),
]


# --- licences ------------------------------------------------------------------------------------------


class LicenseRequest(WireModel):
    """Body of ``POST /icws/{sessionId}/licenses``: the licences to acquire for the session user.

    ``licenseList`` is ``List [1,*]: String``, e.g. ``I3_LICENSE_BASIC_STATION``, ``I3_ACCESS_CLIENT``
    (official licenses page).
    """

    license_list: list[str]


class LicenseOperationResult(WireModel):
    """One licence of a ``licenseOperationResults`` answer.

    ``is_available`` true means the licence was acquired for the user; otherwise ``error_details`` and
    ``license_status`` (a `LicenseStatus` value) say why not (official licenses page).
    """

    license_name: str
    is_available: bool
    license_status: int | None = None
    error_details: str | None = None


class LicenseOperationResults(WireModel):
    """The 200 body of ``POST /icws/{sessionId}/licenses``: one result per licence asked for."""

    license_operation_result_list: list[LicenseOperationResult]


# --- status -------------------------------------------------------------------------------------------


class UserStatusUpdate(WireModel):
    """Body of ``PUT /icws/{sessionId}/status/user-statuses/{userId}``."""

    status_id: str
    notes: str | None = None
    forward_number: str | None = None
    until: dict[str, Any] | None = None


class AsyncRequest(WireModel):
    """A 202 body naming the request whose completion arrives as asyncOperationCompletedMessage."""

    request_id: str


class UserStatus(WireModel):
    user_id: str
    status_id: str
    notes: str | None = None
    forward_number: str | None = None
    on_phone: bool | None = None
    status_changed: IcwsDateTime | None = None
    logged_in: bool | None = None


class StatusMessageDefinition(WireModel):
    """One entry of the status-messages list: a status a user can be in."""

    status_id: str
    message_text: str = ""
    icon_uri: str = ""
    group_tag: str = ""
    system_id: str = ""
    can_have_date: bool = False
    can_have_time: bool = False
    is_do_not_disturb_status: bool = False
    is_selectable_status: bool = True
    is_persistent_status: bool = False
    is_forward_status: bool = False
    is_after_call_work_status: bool = False
    is_acd_status: bool = False
    is_allow_follow_up_status: bool = False


class StatusMessageList(WireModel):
    status_message_list: list[StatusMessageDefinition]


class UserStatusSubscriptionRequest(WireModel):
    user_ids: list[str]
    user_status_properties: list[str] | None = None


class QueueType(enum.IntEnum):
    """The kind of an interaction queue (official queue subscription page)."""

    SYSTEM = 0
    USER = 1
    WORKGROUP = 2
    STATION = 3


class QueueId(WireModel):
    """One queue of a queue subscription: its type and name (official queue subscription page)."""

    queue_type: QueueType
    queue_name: str


class QueueSubscriptionRequest(WireModel):
    """Body of ``PUT messaging/subscriptions/queues/{subscriptionId}`` (``queueSubscriptionParameters``).

    ``attributeNames`` is ``List [1,*]``, required: the interaction attributes the messages carry.
    """

    queue_ids: list[QueueId]
    attribute_names: list[str]


class InteractionState(enum.StrEnum):
    """Values of the ``Eic_State`` interaction attribute botagent reads or the mock sends.

    The one-letter codes of the CIC interaction attributes reference
    (https://help.genesys.com/cic/mergedProjects/wh_tr/mergedProjects/wh_tr_attributes/desktop/eic_state.htm):
    ``R`` is an outgoing call proceeding (awaiting an answer); ``P`` would be parked.
    """

    OFFERING = "O"
    ALERTING = "A"
    PROCEEDING = "R"
    CONNECTED = "C"
    HELD = "H"
    INTERNAL_DISCONNECT = "I"
    EXTERNAL_DISCONNECT = "E"


DISCONNECTED_STATES: Final = frozenset(
    {InteractionState.INTERNAL_DISCONNECT.value, InteractionState.EXTERNAL_DISCONNECT.value}
)
"""``Eic_State`` values of a disconnected interaction (internal: this side; external: the far end)."""


class QueueInteraction(WireModel):
    """One interaction of a queueContentsMessage: its id and the attributes the subscription asked for."""

    interaction_id: str
    attributes: dict[str, str] = Field(default_factory=dict)


class ConfigurationId(WireModel):
    """The identifier of a configuration object: ``id`` and a human readable ``displayName``."""

    id: str
    display_name: str | None = None


class InheritedBoolean(WireModel):
    """An inherited boolean security right; ``effectiveValue`` is the value that applies."""

    effective_value: bool = False


class SecurityRights(WireModel):
    """The user's security rights; ``loginCampaign`` is Dialer's Logon Campaign right."""

    login_campaign: InheritedBoolean | None = None


class ConfigurationUser(WireModel):
    """``GET configuration/users/{id}``: the selected properties of one configuration user."""

    configuration_id: ConfigurationId
    security_rights: SecurityRights | None = None


# --- Dialer request bodies (sent without __type) ---------------------------------------------------------


class LogInRequest(WireModel):
    """Body of ``dialer/log-in``: empty for Dialer, ``campaignId`` for one campaign."""

    campaign_id: str | None = None


class LogOffRequest(WireModel):
    """Body of ``dialer/log-off``: the campaigns to leave, or no ``campaignIds`` to leave all of Dialer.

    The official log-off page types ``campaignIds`` as ``List [1,*]``: a global log-off omits the
    property (None here) rather than sending an empty list.
    """

    campaign_ids: list[str] | None = None


class ReadyForCallsRequest(WireModel):
    campaign_ids: list[str] | None = None


class DispositionRequest(WireModel):
    """Body of ``dialer/disposition``; ``scheduled_time`` is seconds since the epoch, UTC."""

    label: str
    scheduled_time: int | None = None
    scheduled_agent: str | None = None
    relative_to: int | None = None
    place_additional_follow_up_call: bool | None = None
    call_attributes: dict[str, str] | None = None
    is_abandon: bool | None = None


class PlacePreviewCallRequest(WireModel):
    call_initiated_by_timer: bool | None = None
    call_attributes: dict[str, str] | None = None


class RequestFormDefinitionRequest(WireModel):
    campaign_id: str | None = None


class UpdateCallDataRequest(WireModel):
    call_id: str
    campaign_id: str
    call_attributes: dict[str, str]


class FormMisc(WireModel):
    """The ``misc`` switches of a form definition; every one is a required boolean."""

    allow_break: bool
    allow_skip: bool
    allow_agent_owned: bool
    military_time: bool
    pickup_call: bool
    allow_schedule_phone: bool
    auto_disconnect: bool
    allow_editing_of_number_to_dial: bool
    allow_agents_additional_calls: bool
    allow_editing_additional_call_numbers: bool
    override_dnc_block: bool
    override_zone_block: bool
    override_skills_block: bool
    override_daily_limit_block: bool


class FormDefinition(WireModel):
    """The 200 body of ``dialer/request-form-definition`` (pages and controls kept as sent)."""

    pages: list[dict[str, Any]] = Field(default_factory=list)
    misc: dict[str, Any] = Field(default_factory=dict)
    extensions: list[dict[str, Any]] = Field(default_factory=list)


# --- Dialer calls and messages -----------------------------------------------------------------------


class Disposition(WireModel):
    """One allowed disposition of a Dialer call."""

    label: str
    wrap_up_category: str = ""
    wrap_up_code: str = ""
    abandon: bool = False


class _CallBase(WireModel):
    interaction_id: str
    campaign_id: str
    attributes: dict[str, str] = Field(default_factory=dict)
    auto_disconnect_on_disposition: bool = False
    allow_agent_callbacks: bool = False
    dispositions: list[Disposition] = Field(default_factory=list)
    dialing_mode: int = DialingMode.REGULAR

    @property
    def labels(self) -> list[str]:
        """The labels this call may be dispositioned with (R24)."""
        return [d.label for d in self.dispositions]


class DataPopCall(_CallBase):
    """A call Dialer has already placed (predictive, power, ...): the agent does not dial it."""

    type: Literal["urn:inin.com:dialer:dataPop"] = Field(DATA_POP, alias="__type")


class PreviewPopCall(_CallBase):
    """A preview call: the agent must place it with ``dialer/place-preview-call``."""

    type: Literal["urn:inin.com:dialer:previewPop"] = Field(PREVIEW_POP, alias="__type")
    dialing_mode: int = DialingMode.PREVIEW
    call_placed: bool = False
    preview_timeout: IcwsDateTime | None = None
    allow_skip: bool = False


DialerCall = Annotated[DataPopCall | PreviewPopCall, Field(discriminator="type")]


class _MessageBase(WireModel):
    is_delta: bool = False


class DataPopMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:dataPopMessage"] = Field(DATA_POP_MESSAGE, alias="__type")
    call: DialerCall


class AvailableCampaign(WireModel):
    type: Literal["urn:inin.com:dialer:availableCampaign"] = Field(
        "urn:inin.com:dialer:availableCampaign", alias="__type"
    )
    id: str
    name: str
    workgroup: str = ""
    status: list[int] | None = None
    has_base_script: bool | None = None
    custom_script_url: str | None = None
    is_logged_in: bool | None = None
    campaign_type: int | None = None


class ChangedCampaign(WireModel):
    type: Literal["urn:inin.com:dialer:changedCampaign"] = Field(
        "urn:inin.com:dialer:changedCampaign", alias="__type"
    )
    id: str
    name: str
    status: list[int] | None = None


class RemovedCampaign(WireModel):
    """A campaign named in availableCampaignsMessage's ``campaignsRemoved``."""

    id: str


class BreakStatusMessage(_MessageBase):
    """Break status; tolerates the campaign fields some servers put here instead of the campaigns message."""

    type: Literal["urn:inin.com:dialer:breakStatusMessage"] = Field(BREAK_STATUS_MESSAGE, alias="__type")
    break_status: BreakStatus
    agent_has_logon_campaign_right: bool | None = None
    campaigns_added: list[AvailableCampaign] | None = None


class AvailableCampaignsMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:availableCampaignsMessage"] = Field(
        AVAILABLE_CAMPAIGNS_MESSAGE, alias="__type"
    )
    agent_has_logon_campaign_right: bool
    campaigns_added: list[AvailableCampaign] | None = None
    campaigns_changed: list[ChangedCampaign] | None = None
    campaigns_removed: list[RemovedCampaign] | None = None


def _campaign_id_from_string(value: object) -> object:
    return {"id": value} if isinstance(value, str) else value


class LoggedOutCampaign(WireModel):
    """A campaign named in logoutGrantedMessage; ``id == ""`` means all of Dialer (R29)."""

    id: str
    name: str | None = None


class LogoutGrantedMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:logoutGrantedMessage"] = Field(LOGOUT_GRANTED_MESSAGE, alias="__type")
    campaigns: list[Annotated[LoggedOutCampaign, BeforeValidator(_campaign_id_from_string)]]

    @property
    def logged_out_of_dialer(self) -> bool:
        """True when the grant covers all of Dialer (an empty-string campaign id)."""
        return any(c.id == "" for c in self.campaigns)

    @property
    def campaign_ids(self) -> set[str]:
        return {c.id for c in self.campaigns if c.id}


class AutoLoginMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:autoLoginMessage"] = Field(
        "urn:inin.com:dialer:autoLoginMessage", alias="__type"
    )
    campaign_id: str = ""
    initiator_name: str = ""


class AutoLogoutMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:autoLogoutMessage"] = Field(
        "urn:inin.com:dialer:autoLogoutMessage", alias="__type"
    )
    campaign_ids: list[str] = Field(default_factory=list)
    initiator_name: str = ""


class SetFormDefinitionMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:setFormDefinitionMessage"] = Field(
        "urn:inin.com:dialer:setFormDefinitionMessage", alias="__type"
    )
    campaign_id: str = ""
    form_definition: FormDefinition | None = None


class OutboundServerConnectionStateChangeMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:outboundServerConnectionStateChangeMessage"] = Field(
        "urn:inin.com:dialer:outboundServerConnectionStateChangeMessage", alias="__type"
    )
    previous_connection_state: int = ConnectionState.NONE
    new_connection_state: int = ConnectionState.NONE
    reason: str = ""


class ManualOutboundCallStatusMessage(_MessageBase):
    type: Literal["urn:inin.com:dialer:manualOutboundCallStatusMessage"] = Field(
        "urn:inin.com:dialer:manualOutboundCallStatusMessage", alias="__type"
    )
    campaign_id: str = ""
    agent_id: str = ""
    identity: str = ""
    status: int = 0


class ConnectionStateChangeMessage(_MessageBase):
    type: Literal["urn:inin.com:connection:connectionStateChangeMessage"] = Field(
        CONNECTION_STATE_CHANGE_MESSAGE, alias="__type"
    )
    previous_connection_state: int = ConnectionState.NONE
    new_connection_state: int = ConnectionState.NONE
    reason: str = ""
    should_reconnect: bool | None = None


class AsyncOperationCompletedMessage(_MessageBase):
    type: Literal["urn:inin.com:messaging:asyncOperationCompletedMessage"] = Field(
        ASYNC_OPERATION_COMPLETED_MESSAGE, alias="__type"
    )
    request_id: str
    error: ErrorBody | None = None

    def to_wire(self) -> dict[str, Any]:
        """Return the message with ``"error": null`` when the operation succeeded, as ICWS sends it."""
        data = super().to_wire()
        data.setdefault("error", None)
        return data


class SubscriptionStateMessage(_MessageBase):
    type: Literal["urn:inin.com:messaging:subscriptionStateMessage"] = Field(
        "urn:inin.com:messaging:subscriptionStateMessage", alias="__type"
    )
    state: int = 0
    error: ErrorBody | None = None


class UserStatusMessage(_MessageBase):
    type: Literal["urn:inin.com:status:userStatusMessage"] = Field(USER_STATUS_MESSAGE, alias="__type")
    user_status_list: list[UserStatus] = Field(default_factory=list)


class QueueContentsMessage(_MessageBase):
    """``urn:inin.com:queues:queueContentsMessage``: what changed on a subscribed queue."""

    type: Literal["urn:inin.com:queues:queueContentsMessage"] = Field(QUEUE_CONTENTS_MESSAGE, alias="__type")
    subscription_id: str
    interactions_added: list[QueueInteraction] | None = None
    interactions_changed: list[QueueInteraction] | None = None
    interactions_removed: list[str] | None = None


class UnknownMessage(_MessageBase):
    """A message whose ``__type`` botagent does not model; every field is kept as sent."""

    type: str = Field(alias="__type")


_MESSAGE_CLASSES: tuple[type[_MessageBase], ...] = (
    DataPopMessage,
    BreakStatusMessage,
    AvailableCampaignsMessage,
    LogoutGrantedMessage,
    AutoLoginMessage,
    AutoLogoutMessage,
    SetFormDefinitionMessage,
    OutboundServerConnectionStateChangeMessage,
    ManualOutboundCallStatusMessage,
    ConnectionStateChangeMessage,
    AsyncOperationCompletedMessage,
    SubscriptionStateMessage,
    UserStatusMessage,
    QueueContentsMessage,
)
_KNOWN_MESSAGE_TYPES = frozenset(cls.model_fields["type"].default for cls in _MESSAGE_CLASSES)


def _message_tag(value: object) -> str:
    message_type = value.get("__type") if isinstance(value, dict) else getattr(value, "type", None)
    return message_type if message_type in _KNOWN_MESSAGE_TYPES else "unknown"  # type: ignore[return-value]


Message = Annotated[
    Annotated[DataPopMessage, Tag(DATA_POP_MESSAGE)]
    | Annotated[BreakStatusMessage, Tag(BREAK_STATUS_MESSAGE)]
    | Annotated[AvailableCampaignsMessage, Tag(AVAILABLE_CAMPAIGNS_MESSAGE)]
    | Annotated[LogoutGrantedMessage, Tag(LOGOUT_GRANTED_MESSAGE)]
    | Annotated[AutoLoginMessage, Tag("urn:inin.com:dialer:autoLoginMessage")]
    | Annotated[AutoLogoutMessage, Tag("urn:inin.com:dialer:autoLogoutMessage")]
    | Annotated[SetFormDefinitionMessage, Tag("urn:inin.com:dialer:setFormDefinitionMessage")]
    | Annotated[
        OutboundServerConnectionStateChangeMessage,
        Tag("urn:inin.com:dialer:outboundServerConnectionStateChangeMessage"),
    ]
    | Annotated[ManualOutboundCallStatusMessage, Tag("urn:inin.com:dialer:manualOutboundCallStatusMessage")]
    | Annotated[ConnectionStateChangeMessage, Tag(CONNECTION_STATE_CHANGE_MESSAGE)]
    | Annotated[AsyncOperationCompletedMessage, Tag(ASYNC_OPERATION_COMPLETED_MESSAGE)]
    | Annotated[SubscriptionStateMessage, Tag("urn:inin.com:messaging:subscriptionStateMessage")]
    | Annotated[UserStatusMessage, Tag(USER_STATUS_MESSAGE)]
    | Annotated[QueueContentsMessage, Tag(QUEUE_CONTENTS_MESSAGE)]
    | Annotated[UnknownMessage, Tag("unknown")],
    Discriminator(_message_tag),
]

_MESSAGE_ADAPTER: TypeAdapter[Message] = TypeAdapter(Message)
_MESSAGE_LIST_ADAPTER: TypeAdapter[list[Message]] = TypeAdapter(list[Message])


def parse_message(data: dict[str, Any] | str | bytes) -> Message:
    """Parse one message from a decoded dict or from JSON text.

    Raises:
        pydantic.ValidationError: the message has a known ``__type`` but does not fit its model.
    """
    if isinstance(data, str | bytes):
        return _MESSAGE_ADAPTER.validate_json(data)
    return _MESSAGE_ADAPTER.validate_python(data)


def parse_messages(data: list[Any] | str | bytes) -> list[Message]:
    """Parse a message list, as the messaging GET returns it, from decoded JSON or from JSON text.

    Raises:
        pydantic.ValidationError: the body is not a list, or a message does not fit its model.
    """
    if isinstance(data, str | bytes):
        return _MESSAGE_LIST_ADAPTER.validate_json(data)
    return _MESSAGE_LIST_ADAPTER.validate_python(data)
