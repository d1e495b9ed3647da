"""The organisers' speaker pages under /e/<slug>/manage/speakers: the lists, one
session's speakers (assigning, inviting, answers recorded for them, reminders) and
proposed changes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.agenda import services as agenda
from app.agenda.models import AgendaSession
from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import can, in_event, requires
from app.speakers import bp, conflicts
from app.speakers import services as svc
from app.speakers.forms import AssignExistingForm, AssignmentForm, DecisionForm, InviteNewForm, RecordAnswerForm
from app.speakers.models import AssignmentRole, AssignmentState as A, SessionProposal, SpeakerAssignment
from app.speakers.views.common import MANAGE
from app.utils import tabular
from app.utils.inputs import optional_id
from app.utils.views import run_service


# --- Organisers: lists --------------------------------------------------------------

@bp.route(MANAGE)
@requires("speaker.manage", load={})
def manage_list(event):
    """Every assignment at a glance: state, open ones flagged, filters, reminders, export."""
    state = request.args.get("state", "")[:12]
    q = request.args.get("q", "")[:100]
    assignments = svc.all_assignments(event, state=state, q=q)
    return render_template("speakers/manage/list.html", event=event, assignments=assignments, state=state, q=q,
                           counts=svc.state_counts(event), states=list(A), remind_form=EmptyForm(),
                           title=_("Speakers"))


@bp.route(MANAGE + "/sessions")
@requires("speaker.manage", load={})
def manage_sessions(event):
    """The sessions with how many speakers are invited, confirmed, declined."""
    sessions = [s for s in agenda.sessions_of(event) if s.type.value != "break"]
    return render_template("speakers/manage/sessions.html", event=event, sessions=sessions,
                           counts=svc.counts_by_session(event), states=list(A), title=_("Speakers by session"))


@bp.route(MANAGE + "/proposals")
@requires("speaker.manage", load={})
def manage_proposals(event):
    proposals = svc.pending_proposals(event)
    return render_template("speakers/manage/proposals.html", event=event, proposals=proposals,
                           form=DecisionForm(), title=_("Proposed changes"))


@bp.route(MANAGE + "/people/<int:user_id>")
@requires("speaker.manage", load={})
def manage_person(event, user_id):
    """One speaker: profile, availability, travel, needs, every session and slide."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    assignments = svc.my_assignments(event, user)
    if not assignments:
        abort(404)
    profile = svc.profile_for(event, user)
    registration = svc.live_registration(event, user)
    return render_template("speakers/manage/person.html", event=event, person=user, profile=profile,
                           assignments=assignments, bio=svc.bio_html(profile), registration=registration,
                           visa_from_registration=svc.registration_has_visa_data(registration),
                           slides=svc.slides_by_assignment([a.id for a in assignments]),
                           title=user.formal_name)


@bp.route(MANAGE + "/export.<fmt>")
@requires("speaker.manage", load={})
def manage_export(event, fmt):
    if fmt not in tabular.FORMATS:
        abort(404)
    table = svc.export_table(event)
    svc.record_export(event, fmt, len(table.rows), actor=current_user)
    db.session.commit()
    return tabular.download(table, fmt, name=f"{event.slug}-speakers", sheet_title=_("Speakers"))


@bp.route(MANAGE + "/remind", methods=["POST"])
@requires("speaker.manage", load={})
def remind_all(event):
    if EmptyForm().validate_on_submit():
        sent, skipped = svc.remind_open(event, actor=current_user,
                                        allowed=lambda a: can(current_user, "speaker.manage_session", a.session))
        db.session.commit()
        flash(_("Reminders sent: %(sent)d. Skipped (reminded less than a day ago): %(skipped)d.", sent=sent,
                skipped=skipped), "success" if sent else "info")
    return redirect(url_for("speakers.manage_list", slug=event.slug, state="invited"))


# --- Organisers: one session ---------------------------------------------------------

def _answer_form(assignment: SpeakerAssignment) -> RecordAnswerForm:
    return RecordAnswerForm(prefix=f"answer{assignment.id}", answers=svc.answers_open(assignment))


def _render_session(event, session, *, assign_form=None, invite_form=None, answer_forms=None, status=200):
    assignments = svc.assignments_of_session(session)
    q = request.args.get("q", "")[:100]
    taken = {a.user_id for a in assignments}
    found = [u for u in svc.search_people(q) if u.id not in taken] if q else []
    assign_form = assign_form or AssignExistingForm()
    invite_form = invite_form or InviteNewForm()
    edit_forms = {}
    for a in assignments:
        form = AssignmentForm(prefix=f"a{a.id}")
        form.role.data, form.position.data, form.note.data = a.role.value, a.position, a.note
        edit_forms[a.id] = form
    # A form that failed is shown again with its message; the others start afresh.
    answer_forms = {a.id: (answer_forms or {}).get(a.id) or _answer_form(a) for a in assignments
                    if svc.answers_open(a)}
    sessions = agenda.sessions_of(event)
    found_conflicts = [c for c in conflicts.speaker_conflicts(sessions, event) if session.id in c.session_ids]
    return render_template("speakers/manage/session.html", event=event, session=session, assignments=assignments,
                           q=q, found=found, assign_form=assign_form, invite_form=invite_form,
                           edit_forms=edit_forms, answer_forms=answer_forms, empty_form=EmptyForm(),
                           may_manage=can(current_user, "speaker.manage_session", session),
                           conflicts=found_conflicts, proposals=svc.proposals_of_session(session),
                           decision_form=DecisionForm(),
                           slides=svc.slides_by_assignment([a.id for a in assignments]),
                           title=session.title), status


@bp.route(MANAGE + "/sessions/<int:session_id>")
@requires("speaker.manage", load={"session": in_event(AgendaSession, "session_id")})
def manage_session(event, session):
    return _render_session(event, session)


@bp.route(MANAGE + "/sessions/<int:session_id>/assign", methods=["POST"])
@requires("speaker.manage_session", load={"session": in_event(AgendaSession, "session_id")},
          on="session", event_action="speaker.manage")
def assign_existing(event, session):
    form = AssignExistingForm()
    if form.validate_on_submit():
        user_id = optional_id(form.user_id.data)
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is None or not user.active:
            form.form_errors.append(_("Choose a person from the search results."))
        elif run_service(lambda: svc.assign_speaker(session, user, role=AssignmentRole(form.role.data),
                                                    note=form.note.data or "", actor=current_user),
                         form=form, done=lambda _r: _("%(name)s is invited; the email is on its way.",
                                                      name=user.formal_name)):
            return redirect(url_for("speakers.manage_session", slug=event.slug, session_id=session.id))
    return _render_session(event, session, assign_form=form)


@bp.route(MANAGE + "/sessions/<int:session_id>/invite", methods=["POST"])
@requires("speaker.manage_session", load={"session": in_event(AgendaSession, "session_id")},
          on="session", event_action="speaker.manage")
def invite_new(event, session):
    form = InviteNewForm()
    if form.validate_on_submit() and run_service(lambda: svc.invite_new_speaker(
            session, email=form.email.data, role=AssignmentRole(form.role.data), note=form.note.data or "",
            locale=form.locale.data, actor=current_user, **{k: getattr(form, k).data or "" for k in svc.USER_FIELDS}),
            form=form, done=_invited):
        return redirect(url_for("speakers.manage_session", slug=event.slug, session_id=session.id))
    return _render_session(event, session, invite_form=form)


def _invited(result) -> str:
    assignment, created = result
    if created:
        return _("Invitation sent to %(email)s: the link creates their account.", email=assignment.user.email)
    return _("%(email)s already has an account: %(name)s is invited.", email=assignment.user.email,
             name=assignment.user.formal_name)


def _back(assignment: SpeakerAssignment):
    return redirect(url_for("speakers.manage_session", slug=assignment.event.slug,
                            session_id=assignment.session_id))


@bp.route(MANAGE + "/assignments/<int:assignment_id>", methods=["POST"])
@requires("speaker.manage_session", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment", event_action="speaker.manage")
def assignment_update(event, assignment):
    form = AssignmentForm(prefix=f"a{assignment.id}")
    if form.validate_on_submit():
        run_service(lambda: svc.update_assignment(assignment, {"role": form.role.data, "position": form.position.data,
                                                               "note": form.note.data or ""}, actor=current_user),
                    done=_("Saved."))
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    return _back(assignment)


@bp.route(MANAGE + "/assignments/<int:assignment_id>/answer", methods=["POST"])
@requires("speaker.manage_session", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment", event_action="speaker.manage")
def assignment_answer(event, assignment):
    """Record an answer the speaker gave another way (phone, letter)."""
    if not svc.answers_open(assignment):  # answered meanwhile, from a page left open
        flash(svc.IllegalTransition(assignment.state, assignment.state).message, "danger")
        return _back(assignment)
    form = _answer_form(assignment)
    if form.validate_on_submit() and run_service(
            lambda: svc.transition(assignment, A(form.answer.data), actor=current_user, reason=form.reason.data or ""),
            form=form, field="answer", done=_("Answer recorded.")):
        return _back(assignment)
    return _render_session(event, assignment.session, answer_forms={assignment.id: form})


@bp.route(MANAGE + "/assignments/<int:assignment_id>/remind", methods=["POST"])
@requires("speaker.manage_session", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment", event_action="speaker.manage")
def assignment_remind(event, assignment):
    if EmptyForm().validate_on_submit():
        run_service(lambda: svc.remind(assignment, actor=current_user),
                    done=lambda _r: _("Reminder sent to %(name)s.", name=assignment.user.formal_name))
    return redirect(request.form.get("back") == "list" and url_for("speakers.manage_list", slug=event.slug)
                    or url_for("speakers.manage_session", slug=event.slug, session_id=assignment.session_id))


@bp.route(MANAGE + "/assignments/<int:assignment_id>/remove", methods=["POST"])
@requires("speaker.manage_session", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment", event_action="speaker.manage")
def assignment_remove(event, assignment):
    session_id = assignment.session_id
    if EmptyForm().validate_on_submit():
        name = assignment.user.formal_name
        run_service(lambda: svc.remove_assignment(assignment, actor=current_user),
                    done=_("%(name)s is no longer on this session.", name=name))
    return redirect(url_for("speakers.manage_session", slug=event.slug, session_id=session_id))


@bp.route(MANAGE + "/proposals/<int:proposal_id>", methods=["POST"])
@requires("speaker.manage_session", load={"proposal": in_event(SessionProposal, "proposal_id")},
          on="proposal", event_action="speaker.manage")
def proposal_decide(event, proposal):
    form = DecisionForm()
    if form.validate_on_submit() and (form.approve.data or form.reject.data):
        run_service(lambda: svc.decide_proposal(proposal, approve=bool(form.approve.data), note=form.note.data or "",
                                                actor=current_user),
                    done=_("Approved: the session has the new text; the public sees it at the next publication.")
                    if form.approve.data else _("Proposal rejected; the speaker is told."))
    target = request.form.get("back")
    if target == "session":
        return redirect(url_for("speakers.manage_session", slug=event.slug, session_id=proposal.session_id))
    return redirect(url_for("speakers.manage_proposals", slug=event.slug))
