"""Publishing the agenda: what would change, open conflicts, earlier versions."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.agenda import bp
from app.agenda import services as svc
from app.agenda.forms import PublishForm
from app.agenda.views.common import MANAGE
from app.policy import can, requires
from app.utils.views import run_service


@bp.route(MANAGE + "/publish", methods=["GET", "POST"])
@requires("agenda.publish", load={}, post="agenda.edit_structure")
def manage_publish(event):
    form = PublishForm()
    accepted = form.conflicts_seen.data if form.publish_anyway.data else None
    if form.validate_on_submit() and run_service(
            lambda: svc.publish_agenda(event, actor=current_user, accept_conflicts=accepted), form=form,
            done=lambda publication: _("Agenda version %(version)d is public.", version=publication.version)):
        return redirect(url_for("agenda.manage_publish", slug=event.slug))
    still_open = svc.open_conflicts(event)
    form.conflicts_seen.data = svc.conflicts_key(still_open)
    form.publish_anyway.data = False  # a confirmation covers one list of conflicts, once
    return render_template("agenda/manage/publish.html", event=event, form=form, changes=svc.pending_changes(event),
                           publications=svc.publications_of(event), conflicts=still_open, may_publish=can(current_user, "agenda.edit_structure", event),
                           sessions={s.id: s for s in svc.sessions_of(event)}, title=_("Publish the agenda"))
