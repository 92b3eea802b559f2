"""Access: global users, their roles per agency (memberships) and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from kinerja.db import Base, TenantOwned, Timestamps
from kinerja.permissions import ROLE_ADMIN_OPD, ROLE_PEGAWAI, TENANT_ROLES

__all__ = ["ROLE_ADMIN_OPD", "ROLE_PEGAWAI", "TENANT_ROLES", "ApiToken", "Membership", "User"]


class User(Timestamps, Base):
    """A global identity: one person, who may belong to several agencies over time."""

    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_city_admin: Mapped[bool] = mapped_column(Boolean, default=False)  # granted by hand
    sso_city_admin: Mapped[bool] = mapped_column(Boolean, default=False)  # from SSO groups
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    language: Mapped[str | None] = mapped_column(String(5))  # chosen on a page; e-mails use it

    @property
    def city_admin(self) -> bool:
        return self.is_city_admin or self.sso_city_admin


# Where a role comes from; each source adds and removes only its own grants.
SOURCE_ADMIN = "admin"  # granted by hand (an admin OPD, the city admin, the CLI, the demo)
SOURCE_SSO = "sso"  # from the provider's groups, recomputed at every sign-in
SOURCE_EMPLOYEE = "employee"  # the pegawai role that comes with an active employee record
SOURCES = (SOURCE_ADMIN, SOURCE_SSO, SOURCE_EMPLOYEE)


class Membership(TenantOwned, Base):
    """A role of a user in one agency (`pegawai` or `admin_opd`), from one source."""

    __tablename__ = "membership"
    __table_args__ = (
        CheckConstraint("role IN ('pegawai', 'admin_opd')", name="role"),
        CheckConstraint("source IN ('admin', 'sso', 'employee')", name="source"),
    )

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(10), primary_key=True, default=SOURCE_ADMIN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApiToken(TenantOwned, Base):
    """An integration token: one tenant, one user's permissions, stored only as a hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
