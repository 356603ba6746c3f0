"""What the mock says about itself as an ICWS server, as pure data: its version, its features, its
server information and switchover status, and the station information a station's settings stand for.

Shapes follow the official connection pages (``/icws/connection/version``: every field a string;
``/icws/connection/server-info``: ``languages`` of ``languageID`` and ``languageDisplayName``;
``switchover-status``: ``isSwitchoverActive`` and ``primaryHost``) and, where those are not readable,
the public generated client (``stationInformation``, ``featureInfoList``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

from botagent.mock._errors import EngineError, ErrorIds
from botagent.wire import (
    AuthenticationInfo,
    Feature,
    FeatureList,
    Language,
    ServerInfo,
    StationInformation,
    StationSettingType,
    SwitchoverStatus,
    VersionInfo,
)

__all__ = [
    "VERSION",
    "connection_extras",
    "feature",
    "feature_list",
    "server_info",
    "station_information",
    "switchover_status",
]

VERSION: Final = VersionInfo(
    major_version="15",
    minor_version="3",
    su="0",
    build="0",
    product_id="botagent-mock",
    codebase_id="botagent-mock",
    product_release_display_string="CIC 2015 R3 (botagent mock)",
    product_patch_display_string="CIC 2015 R3 (botagent mock)",
)
"""The version the mock reports: CIC 2015 R3, no patch."""

_STATION_TYPES: Final = {
    "urn:inin.com:connection:workstationSettings": StationSettingType.WORKSTATION,
    "urn:inin.com:connection:remoteWorkstationSettings": StationSettingType.REMOTE_WORKSTATION,
    "urn:inin.com:connection:remoteNumberSettings": StationSettingType.REMOTE_NUMBER,
}


def feature_list(versions: Mapping[str, int]) -> FeatureList:
    """Return the ``GET /icws/connection/features`` body for the scenario's feature versions."""
    return FeatureList(feature_info_list=[Feature(feature_id=k, version=v) for k, v in versions.items()])


def feature(versions: Mapping[str, int], feature_id: str) -> Feature:
    """Return one feature's version.

    Raises:
        EngineError: 404 when the mock does not serve that feature.
    """
    version = versions.get(feature_id)
    if version is None:
        message = f"The server does not support feature '{feature_id}'."
        raise EngineError(404, ErrorIds.UNKNOWN_FEATURE, message)
    return Feature(feature_id=feature_id, version=version)


def server_info(accept_language: str | None) -> ServerInfo:
    """Return ``GET /icws/connection/server-info``: English only, user name and password log-in."""
    return ServerInfo(
        languages=[Language(language_id="en", language_display_name="English")],
        accept_language=accept_language or "en-us",
        authentication=AuthenticationInfo(allow_ic_auth=True),
    )


def switchover_status(ic_server: str) -> SwitchoverStatus:
    """Return the switchover status of a stand-alone server: not a pair, ``primaryHost`` is itself."""
    return SwitchoverStatus(is_switchover_active=False, primary_host=ic_server)


def station_information(settings: Mapping[str, Any]) -> StationInformation:
    """Return the ``stationInformation`` of the station the given settings logged in to.

    A workstation is known by its name, a remote number by the number; a stationless session reports
    station setting 0 (None) with empty id and extension.
    """
    kind = _STATION_TYPES.get(str(settings.get("__type")), StationSettingType.NONE)
    remote = settings.get("remoteNumber")
    name = str(settings.get("workstation") or remote or "")
    return StationInformation(
        id=name,
        extension=name,
        station_setting=kind,
        remote_number=remote,
        allowed_media_types=settings.get("supportedMediaTypes"),
    )


def connection_extras(station: Mapping[str, Any] | None, include: Collection[str]) -> dict[str, Any]:
    """Return the properties ``POST /icws/connection`` adds for these ``include`` values that may be
    null: no default workstation (connection 5), no PureCloud integration (8), and the effective
    station (10), null while the session has none."""
    effective = None if station is None else {"stationId": station_information(station).id}
    values: dict[str, tuple[str, Any]] = {
        "default-workstation": ("defaultWorkstationId", None),
        "purecloud-integration": ("purecloudIntegration", {"integrationEnabled": False}),
        "effective-station": ("effectiveStation", effective),
    }
    return dict(pair for name, pair in values.items() if name in include)
