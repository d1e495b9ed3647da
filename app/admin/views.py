from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from app.accounts import services as account_services
from app.accounts.models import User
from app.admin import bp
from app.admin.forms import UserFlagForm
from app.audit.services import distinct_actions, query_entries
from app.events import services as event_services
from app.events.forms import EventForm
from app.events.labels import ROLE_LABELS
from app.events.models import Event
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.policy import by_id, requires
from app.utils.paging import page_number


@bp.route("/")
@requires("admin.users")
def users():
    q = request.args.get("q", "").strip()[:200]
    page = page_number()
    stmt = select(User).order_by(User.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.given_name.ilike(like), User.family_name.ilike(like),
                              User.organisation.ilike(like)))
    pagination = db.paginate(stmt, page=page, per_page=50, error_out=False)
    return render_template("admin/users.html", users=pagination, q=q, title=_("Users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("admin.users", load={"user": by_id(User, "user_id")})
def user_detail(user):
    form = UserFlagForm()
    if form.validate_on_submit():
        value = form.value.data == "1"
        if user.id == current_user.id and not value:
            flash(_("You cannot remove your own access."), "danger")
        elif form.flag.data == "active":
            account_services.set_active(user, value, actor=current_user)
            db.session.commit()
            flash(_("Account activated.") if value else _("Account deactivated: all its sessions ended."), "success")
        else:
            account_services.set_admin(user, value, actor=current_user)
            db.session.commit()
            flash(_("Platform administrator rights changed."), "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user.html", user=user, form=form, role_labels=ROLE_LABELS,
                           title=user.display_name)


@bp.route("/events", methods=["GET", "POST"])
@requires("admin.events")
def events():
    form = EventForm()
    if request.method == "GET":
        form.languages.data = ["en", "ru", "kk"]
        form.timezone.data = "Asia/Almaty"
        form.primary_colour.data = "#0b5d3b"
        form.accent_colour.data = "#1f6fb2"
    if form.validate_on_submit():
        if event_services.slug_taken(form.slug.data):
            form.slug.errors.append(_("Another event already uses this short name."))
        else:
            data = {name: field.data for name, field in form._fields.items()
                    if name in event_services.EVENT_FIELDS}
            event = event_services.create_event(data, actor=current_user)
            db.session.commit()
            flash(_("Event created."), "success")
            return redirect(url_for("organiser.settings", slug=event.slug))
    all_events = list(db.session.scalars(select(Event).order_by(Event.start_date.desc())))
    return render_template("admin/events.html", form=form, events=all_events, title=_("Events"))


@bp.route("/outbox")
@requires("admin.outbox")
def outbox():
    status = request.args.get("status", "")
    page = page_number()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in OutboxStatus.__members__:
        stmt = stmt.where(OutboxMessage.status == OutboxStatus(status))
    pagination = db.paginate(stmt, page=page, per_page=50, error_out=False)
    return render_template("admin/outbox.html", messages=pagination, status=status,
                           statuses=list(OutboxStatus), title=_("Outbox"))


@bp.route("/outbox/<int:message_id>")
@requires("admin.outbox", load={"message": by_id(OutboxMessage, "message_id")})
def outbox_message(message):
    return render_template("admin/outbox_message.html", message=message, title=message.subject)


@bp.route("/audit")
@requires("admin.audit")
def audit():
    page = page_number()
    action = request.args.get("action", "")[:64]
    actor = request.args.get("actor", "")[:254]
    entries = query_entries(action=action or None, actor_email=actor or None, page=page)
    return render_template("admin/audit.html", entries=entries, actions=distinct_actions(), action=action,
                           actor=actor, title=_("Audit log"))
