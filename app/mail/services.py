"""Rendering and queueing email.

`queue_email` only adds a row to the session: it is committed, or rolled back,
together with the change that caused it, so no message is sent for a change
that did not happen and none is lost for one that did.
"""
from __future__ import annotations

from datetime import UTC

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import delete, func, insert, or_, select, update

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus, message_id_domain, new_message_id
from app.utils.time import utcnow


def queue_email(*, to: str, template: str, locale: str = "en", event=None, user=None,
                **context) -> OutboxMessage:
    """Render `mail/<template>.txt` (and `.html` when present) in `locale` and queue it.

    The first line of the text template is `Subject: ...`.
    """
    message = render_email(to=to, template=template, locale=locale, event=event, user=user, **context)
    db.session.add(message)
    return message


# Stands in for a person's own value while a message is rendered once for many people:
# characters from Unicode's private use area, which no template, translation or
# escaping produces or changes.
_SLOT = "\ue000{}\ue001"


def queue_many_for_users(template: str, recipients, *, event=None, slots=(), **context) -> int:
    """Queue `template` to each `(user, values)` of `recipients`, in their language, for
    changes that reach thousands of people at once. The template is rendered once per
    language with `context` (the same for everyone); each name of `slots` (e.g. "name",
    "reference") stands for a person's own text, given in their `values` and put in its
    place in the subject and both bodies (escaped in the HTML part). A slot is printed
    by the template, never tested or looped over. The messages are written in one bulk
    insert (batched by the database driver). Returns how many were queued."""
    stand_ins = {name: _SLOT.format(name) for name in slots}
    rendered: dict[str, tuple[str, str, str]] = {}
    rows, now, domain = [], utcnow(), message_id_domain()
    for user, values in recipients:
        locale = language_of(user)
        if locale not in rendered:
            message = render_email(to="", template=template, locale=locale, event=event, **context, **stand_ins)
            rendered[locale] = (message.subject, message.body_text, message.body_html)
        subject, text, html = rendered[locale]
        for name, stand_in in stand_ins.items():
            value = str(values[name])
            subject, text = subject.replace(stand_in, value), text.replace(stand_in, value)
            html = html.replace(stand_in, str(escape(value)))
        # Every column given: the database driver sends the rows as they are, no default computed per row.
        rows.append(dict(message_id=new_message_id(domain), to_address=user.email, subject=subject, body_text=text,
                         body_html=html, template=template, locale=locale, event_id=getattr(event, "id", None),
                         user_id=user.id, status=OutboxStatus.queued, attempts=0, next_attempt_at=now,
                         locked_by="", last_error="", created_at=now))
    if rows:
        db.session.execute(insert(OutboxMessage.__table__), rows)
    return len(rows)


def language_of(user) -> str:
    """The language `user` is written to: their own, when the site speaks it, else English."""
    locale = user.locale or "en"
    return locale if locale in current_app.config["LANGUAGES"] else "en"


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
