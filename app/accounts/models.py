from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, JSON, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.accounts.labels import form_of_address, formal_name
from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    honorific: Mapped[str] = mapped_column(String(40), default="")
    given_name: Mapped[str] = mapped_column(String(120), default="")
    family_name: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Rotated to end every session of the user at once (logout everywhere, deactivation,
    # password change): the login cookie carries it and stops matching.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the address was last told about this account (signed up, or "an account
    # already exists"): such notices go out at most once per few minutes, however
    # many sign-ups for the address arrive at once.
    account_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event_roles = relationship("EventRole", back_populates="user", cascade="all, delete-orphan",
                               foreign_keys="EventRole.user_id")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:  # Flask-Login: id plus the current session token
        return f"{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.given_name, self.family_name) if p)
        return name or self.email

    @property
    def formal_name(self) -> str:
        return formal_name(self.honorific, self.given_name, self.family_name) or self.email

    @validates("honorific")
    def _known_form_of_address(self, key, value):
        # An earlier or typed title ("Mrs", "dr.") is kept as the form of address it stands for.
        return form_of_address(value)

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @classmethod
    def by_email(cls, email: str) -> "User | None":
        return db.session.scalar(select(cls).where(func.lower(cls.email) == email.strip().lower()))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


# Logging in looks the address up whatever its case (`User.by_email`).
Index("ix_users_email_lower", func.lower(User.email))


class AccountToken(db.Model):
    """A single-use, expiring secret sent by email. Only its hash is stored."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginSession(db.Model):
    """One login in one browser, from the login to the logout.

    The browser's signed cookie names it by a secret of which only the hash is
    stored; a session whose row has ended (logout) or whose user's session token
    has rotated (password change or reset, deactivation) no longer logs anyone
    in, even with a cookie saved earlier.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginAttempt(db.Model):
    """Failed and successful logins, for the security log and the login throttle.
    Never stores the password tried.

    `device` is set when the browser showed a device cookie of an earlier login to
    the same account (a hash of it); `cleared_at` when a later success from the same
    client, or a password reset, took the failure out of the throttle's count.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_email_created_at", "email", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
