"""Licence pools: which licences exist, how many users may hold each at once, and who holds them.

Licences are acquired and released for the session user, and only a licence that exists and is
assigned to the user can be acquired (official Licenses page). A pool counts users: a user holds a
licence while at least one of its sessions acquired it, so two sessions of one user take one licence.
A session's licences are released when it ends (closed, expired or lost). The API "does not discern
between valid and invalid license strings" (official licenses page): a licence that is not in any pool
is answered like one not assigned to the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from botagent.wire import LicenseOperationResult, LicenseStatus

__all__ = ["LicencePools"]


class LicencePools:
    """The scenario's licence pools and who holds what.

    Args:
        sizes: licence name -> how many users may hold it at once (None: no limit).
    """

    def __init__(self, sizes: Mapping[str, int | None]) -> None:
        self._sizes = dict(sizes)
        self._holders: dict[str, dict[str, set[str]]] = {name: {} for name in sizes}
        """licence -> user id -> the ids of that user's sessions that acquired it."""

    def acquire(
        self, user_id: str, session_id: str, assigned: Iterable[str], names: Iterable[str]
    ) -> list[LicenseOperationResult]:
        """Acquire ``names`` for the user of a session; one result per name, in the order asked.

        A licence the session holds already is acquired again with no effect (official licenses page).
        """
        allowed = set(assigned)
        return [self._acquire_one(user_id, session_id, name, name in allowed) for name in names]

    def _acquire_one(
        self, user_id: str, session_id: str, name: str, assigned: bool
    ) -> LicenseOperationResult:
        holders = self._holders.get(name)
        if holders is None or not assigned:
            return _refused(name, LicenseStatus.NOT_ASSIGNED, f"{name} is not assigned to {user_id}.")
        size = self._sizes[name]
        if user_id not in holders and size is not None and len(holders) >= size:
            return _refused(name, LicenseStatus.UNAVAILABLE, f"All {size} {name} licences are in use.")
        holders.setdefault(user_id, set()).add(session_id)
        return LicenseOperationResult(
            license_name=name, is_available=True, license_status=LicenseStatus.AVAILABLE, error_details=""
        )

    def holds(self, user_id: str, name: str) -> bool:
        """True when the user holds the licence through any of its sessions."""
        return user_id in self._holders.get(name, {})

    def held_by(self, user_id: str, session_id: str) -> list[str]:
        """The licences a session of the user acquired, sorted."""
        return sorted(
            name for name, holders in self._holders.items() if session_id in holders.get(user_id, ())
        )

    def release(self, user_id: str, session_id: str) -> None:
        """Release what a session acquired; the user keeps a licence another of its sessions holds."""
        for holders in self._holders.values():
            sessions = holders.get(user_id)
            if sessions is not None:
                sessions.discard(session_id)
                if not sessions:
                    del holders[user_id]

    def snapshot(self) -> dict[str, dict[str, int | None]]:
        """Licence name -> ``{"size": pool size or None, "inUse": users holding it}``."""
        return {name: {"size": self._sizes[name], "inUse": len(self._holders[name])} for name in self._sizes}


def _refused(name: str, status: LicenseStatus, details: str) -> LicenseOperationResult:
    return LicenseOperationResult(
        license_name=name, is_available=False, license_status=status, error_details=details
    )
