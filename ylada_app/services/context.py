"""The authenticated context every tenant-scoped call starts from."""

from __future__ import annotations

from dataclasses import dataclass, field

from ylada_app.services.errors import Forbidden


@dataclass(frozen=True)
class TenantRef:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class AuthContext:
    user_id: int
    email: str
    name: str
    is_platform_admin: bool
    locale: str
    tenant_id: int | None
    tenant_name: str
    tenant_status: str
    role: str
    instance_id: int | None
    tenants: tuple[TenantRef, ...] = field(default_factory=tuple)
    email_verified: bool = True
    two_factor: bool = False
    session_id: int | None = None

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def tenant_blocked(self) -> bool:
        return self.tenant_status == "suspended"

    @property
    def tenant_closed(self) -> bool:
        """Closed by its owner: readable (and exportable), every change refused."""
        return self.tenant_status == "closed"

    def require_tenant(self) -> int:
        if self.tenant_id is None:
            raise Forbidden("error.not_member")
        return self.tenant_id

    def require_owner(self) -> int:
        tenant_id = self.require_tenant()
        if not self.is_owner:
            raise Forbidden("error.owner_only")
        return tenant_id

    def require_verified(self) -> None:
        if not self.email_verified:
            raise Forbidden("error.email_unverified")

    def require_admin(self) -> None:
        if not self.is_platform_admin:
            raise Forbidden("error.admin_only")
