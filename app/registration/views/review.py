"""Accreditation's side: the filtered list, a registration's page, decisions,
notes, bulk decisions, the export and travel reminders."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import can, in_event, requires
from app.registration import bp, providers, services
from app.registration.forms import BulkForm, DecisionForm, NoteForm
from app.registration.labels import SHORT_LABELS, history_label
from app.registration.models import Delegation, Registration, RegistrationState
from app.registration.views.common import PER_PAGE, current_locale
from app.utils import tabular
from app.utils.pdf import pdf_download
from app.utils.countries import country_choices
from app.utils.inputs import optional_id, record_id
from app.utils.paging import Page, page_number
from app.utils.views import run_service


def _filters() -> dict:
    args = request.args
    return {
        "state": args.get("state", "")[:20],
        "category": args.get("category", type=record_id),
        "country": args.get("country", "")[:2].upper(),
        "delegation": args.get("delegation", type=record_id),
        "visa": args.get("visa", "")[:3],
        "q": args.get("q", "")[:100],
        "duplicates": args.get("duplicates", "") == "1",
        "other_address": args.get("other_address", "") == "1",
        "travel": "missing" if args.get("travel") == "missing" else "",
        "sort": args.get("sort", "newest")[:20],
    }


@bp.route("/e/<slug>/manage/registrations")
@requires("registration.view", load={})
def manage_list(event):
    filters = _filters()
    page = page_number()
    pagination = Page(services.registration_query(event, filters), page=page, per_page=PER_PAGE,
                      count_column=Registration.id)
    delegations = list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id)
                                          .order_by(Delegation.name)))
    link_filters = {k: v for k, v in filters.items() if v not in (None, "", False)}
    for flag in ("duplicates", "other_address"):
        if filters[flag]:
            link_filters[flag] = "1"
    return render_template("registration/manage_list.html", event=event, pagination=pagination, filters=filters,
                           link_filters=link_filters, categories=services.categories(event),
                           delegations=delegations, countries=country_choices(current_locale()),
                           duplicate=services.is_duplicate, states=list(RegistrationState),
                           bulk_form=BulkForm(), title=_("Registrations"))


@bp.route("/e/<slug>/manage/registrations/<int:registration_id>")
@requires("registration.view", load={"registration": in_event(Registration, "registration_id")})
def manage_detail(event, registration):
    return render_template("registration/manage_detail.html", event=event, registration=registration,
                           history=services.history(registration), history_label=history_label,
                           notes=services.notes(registration),
                           questions=services.questions(event), answer_text=services.answer_text,
                           duplicate=services.is_duplicate(registration),
                           decision_form=DecisionForm(), note_form=NoteForm(),
                           footprint=providers.footprint_panel(registration, current_user), title=registration.full_name)


@bp.route("/e/<slug>/manage/registrations/<int:registration_id>/decide", methods=["POST"])
@requires("registration.review", load={"registration": in_event(Registration, "registration_id")})
def manage_decide(event, registration):
    form = DecisionForm()
    if form.validate_on_submit():
        # The outcome decides the colour: an approval may end on the waitlist.
        if run_service(lambda: services.decide(registration, form.decision.data, actor=current_user,
                                          message=form.message.data or "")):
            if form.decision.data == "approve" and registration.state == RegistrationState.waitlisted:
                flash(_("No place is left: the registration is on the waitlist."), "warning")
            else:
                flash(_("The registration is now %(state)s.", state=_state_label(registration.state)), "success")
    else:
        flash(_("Choose a decision."), "danger")
    return redirect(url_for("registration.manage_detail", slug=event.slug, registration_id=registration.id))


@bp.route("/e/<slug>/manage/registrations/<int:registration_id>/notes", methods=["POST"])
@requires("registration.review", load={"registration": in_event(Registration, "registration_id")})
def manage_note(event, registration):
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(registration, form.body.data, actor=current_user)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(" ".join(form.body.errors) or _("The note is empty."), "danger")
    return redirect(url_for("registration.manage_detail", slug=event.slug, registration_id=registration.id))


@bp.route("/e/<slug>/manage/registrations/bulk", methods=["POST"])
@requires("registration.review", load={})
def manage_bulk(event):
    form = BulkForm()
    ids = [i for i in map(optional_id, request.form.getlist("selected")) if i is not None][:500]
    if not form.validate_on_submit() or not ids:
        flash(_("Select registrations and a decision."), "danger")
        return redirect(url_for("registration.manage_list", slug=event.slug))
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(ids)).order_by(Registration.id)))
    done, skipped = services.bulk_decide(registrations, form.decision.data, actor=current_user,
                                         message=form.message.data or "")
    db.session.commit()
    flash(_("%(done)d registrations changed, %(skipped)d skipped (the decision does not apply to them).",
            done=done, skipped=skipped), "success" if done else "warning")
    return redirect(url_for("registration.manage_list", slug=event.slug))


@bp.route("/e/<slug>/manage/registrations/export.<fmt>")
@requires("registration.export", load={})
def manage_export(event, fmt):
    if fmt == "pdf":
        data, count = services.participant_list_pdf(event, _filters())
        services.record_export(event, fmt, count, actor=current_user)
        db.session.commit()
        return pdf_download(data, f"{event.slug}-participants.pdf")
    if fmt not in tabular.FORMATS:
        abort(404)
    filters = _filters()
    # Audited before the rows are read: a CSV is streamed after this view returns.
    services.record_export(event, fmt, services.export_count(event, filters), actor=current_user)
    db.session.commit()
    table = services.export_table(event, filters, with_passport=can(current_user, "registration.view_passport", event))
    return tabular.download(table, fmt, name=f"{event.slug}-registrations", sheet_title=_("Registrations"))


def _state_label(state: RegistrationState) -> str:
    return str(SHORT_LABELS[state]).lower()


@bp.route("/e/<slug>/manage/registrations/travel-reminders", methods=["POST"])
@requires("registration.review", load={})
def manage_travel_reminders(event):
    if EmptyForm().validate_on_submit():
        count = services.queue_travel_reminders(event, actor=current_user)
        db.session.commit()
        flash(_("%(n)d reminders queued.", n=count), "success")
    return redirect(url_for("registration.manage_list", slug=event.slug))
