"""Rendering and queueing email.

`queue_email` only adds a row to the session: it is committed, or rolled back,
together with the change that caused it, so no message is sent for a change
that did not happen and none is lost for one that did.
"""
from __future__ import annotations

from datetime import UTC

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete, func, insert, or_, select, update

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus


def queue_email(*, to: str, template: str, locale: str = "en", event=None, user=None,
                **context) -> OutboxMessage:
    """Render `mail/<template>.txt` (and `.html` when present) in `locale` and queue it.

    The first line of the text template is `Subject: ...`.
    """
    message = render_email(to=to, template=template, locale=locale, event=event, user=user, **context)
    db.session.add(message)
    return message


def queue_many_for_users(template: str, recipients, *, event=None) -> int:
    """Queue `template` to each `(user, context)` of `recipients`, in their language,
    written in one bulk insert (batched by the database driver), for changes that
    reach thousands of people at once. Returns how many were queued."""
    rows = []
    for user, context in recipients:
        message = render_email(to=user.email, template=template, locale=user.locale or "en", event=event,
                               user=user, **context)
        rows.append({column: getattr(message, column) for column in (
            "to_address", "subject", "body_text", "body_html", "template", "locale", "event_id", "user_id")})
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def render_email(*, to: str, template: str, locale: str = "en", event=None, user=None,
                 **context) -> OutboxMessage:
    """The message `queue_email` queues, not added to the session."""
    locale = locale if locale in current_app.config["LANGUAGES"] else "en"
    context.update(event=event, user=user)
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        subject, _, body = text.partition("\n")
        if not subject.startswith("Subject:"):
            raise ValueError(f"mail template {template} must start with 'Subject:'")
        subject = subject[len("Subject:"):].strip()
        body = body.lstrip("\n")
        # The HTML part is the text part laid out in the event's colours.
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        html = render_template("mail/_layout.html", subject=subject, paragraphs=paragraphs, locale=locale,
                               **context)
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=body,
        body_html=html,
        template=template,
        locale=locale,
        event_id=getattr(event, "id", None),
        user_id=getattr(user, "id", None),
    )
    return message


def queue_for_user(user, template: str, *, event=None, **context) -> OutboxMessage:
    """Queue a message to `user` in their preferred language."""
    return queue_email(to=user.email, template=template, locale=user.locale or "en", event=event,
                       user=user, **context)


def outbox_health(event) -> dict:
    """The event's email: queued (or being sent), failed, and when the oldest queued
    message was written (None when none waits), in one query."""
    waiting = OutboxMessage.status.in_((OutboxStatus.queued, OutboxStatus.sending))
    queued, failed, oldest = db.session.execute(
        select(func.count(OutboxMessage.id).filter(waiting),
               func.count(OutboxMessage.id).filter(OutboxMessage.status == OutboxStatus.failed),
               func.min(OutboxMessage.created_at).filter(waiting))
        .where(OutboxMessage.event_id == event.id)).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {"queued": queued, "failed": failed, "oldest_queued": oldest}


def messages_to(user) -> list[dict]:
    """Every email written to `user` (for their copy of their data), in one query."""
    return [{"to": m.to_address, "subject": m.subject, "status": m.status.value, "written_at": m.created_at,
             "sent_at": m.sent_at, "body": m.body_text}
            for m in db.session.scalars(select(OutboxMessage).where(
                (OutboxMessage.user_id == user.id) | (func.lower(OutboxMessage.to_address) == user.email.lower()))
                .order_by(OutboxMessage.id))]


def forget_messages(*, user=None, event=None, address: str = "") -> int:
    """Forget the messages to `user` (or `address`), or every message of `event`: those
    still waiting are dropped (nobody is to write to the person any more), those sent or
    failed lose their address and text, keeping that a message of their template went
    out, and when. Returns how many messages were touched."""
    condition = []
    if user is not None:
        condition.append(OutboxMessage.user_id == user.id)
    if address:
        condition.append(func.lower(OutboxMessage.to_address) == address.lower())
    if event is not None:
        condition.append(OutboxMessage.event_id == event.id)
    if not condition:
        return 0
    dropped = db.session.execute(
        delete(OutboxMessage).where(or_(*condition), OutboxMessage.status == OutboxStatus.queued)).rowcount or 0
    blanked = db.session.execute(
        update(OutboxMessage).where(or_(*condition), OutboxMessage.status.in_((OutboxStatus.sent, OutboxStatus.failed)))
        .values(to_address="erased@invalid", subject="", body_text="", body_html="", last_error="")).rowcount or 0
    return dropped + blanked
