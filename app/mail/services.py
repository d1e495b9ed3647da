"""Rendering and queueing email.

`queue_email` only adds a row to the session: it is committed, or rolled back,
together with the change that caused it, so no message is sent for a change
that did not happen and none is lost for one that did.
"""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale

from app.extensions import db
from app.mail.models import OutboxMessage


def queue_email(*, to: str, template: str, locale: str = "en", event=None, user=None,
                **context) -> OutboxMessage:
    """Render `mail/<template>.txt` (and `.html` when present) in `locale` and queue it.

    The first line of the text template is `Subject: ...`.
    """
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
    db.session.add(message)
    return message


def queue_for_user(user, template: str, *, event=None, **context) -> OutboxMessage:
    """Queue a message to `user` in their preferred language."""
    return queue_email(to=user.email, template=template, locale=user.locale or "en", event=event,
                       user=user, **context)
