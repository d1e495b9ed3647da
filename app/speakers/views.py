"""Speaker pages: the organisers' assignments under /e/<slug>/manage/speakers, the
speaker portal under /e/<slug>/speaker/, the emailed answer link and the public
speaker directory under /e/<slug>/speakers."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import current_user

from app.agenda import services as agenda
from app.agenda.cache import public_state
from app.agenda.models import AgendaSession
from app.agenda.services import AgendaError
from app.events.forms import EmptyForm
from app.events.services import get_event_or_404
from app.extensions import db, limiter
from app.utils import tabular
from app.utils.db import get_in_event_or_404
from app.utils.downloads import content_disposition
from app.utils.inputs import optional_id
from app.utils.views import run_service
from app.policy import authenticated, can, ensure, has_any_role, public, requires
from app.speakers import bp, conflicts, uploads
from app.speakers import services as svc
from app.speakers.forms import (AssignExistingForm, AssignmentForm, DecisionForm, DeclineForm, InviteNewForm,
                                NeedsForm, ProfileForm, ProposalForm, RecordAnswerForm, RespondForm, SlidesForm,
                                TravelForm, WithdrawForm)
from app.speakers.models import (PROPOSAL_LABELS, ROLE_LABELS, STATE_LABELS, AssignmentRole, AssignmentState as A,
                                 SessionProposal, SlideFile, SpeakerAssignment)

MANAGE = "/e/<slug>/manage/speakers"
PORTAL = "/e/<slug>/speaker"


@bp.context_processor
def _labels():
    from app.registration.labels import SHORT_LABELS

    return {"role_labels": ROLE_LABELS, "registration_state_labels": SHORT_LABELS, "speaker_state_labels": STATE_LABELS, "proposal_labels": PROPOSAL_LABELS,
            "is_overdue": svc.is_overdue}


def _public_event(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    return event


def _apply(call, **kwargs) -> bool:
    """`run_service` with the speakers' refusal: commit and flash, or show why not."""
    return run_service(call, svc.SpeakerError, **kwargs)


def _session_or_404(event, session_id: int) -> AgendaSession:
    return get_in_event_or_404(AgendaSession, session_id, event)


def _assignment_or_404(event, assignment_id: int) -> SpeakerAssignment:
    return get_in_event_or_404(SpeakerAssignment, assignment_id, event)


# --- Organisers: lists --------------------------------------------------------------

@bp.route(MANAGE)
@requires("speaker.manage")
def manage_list(slug):
    """Every assignment at a glance: state, open ones flagged, filters, reminders, export."""
    event = g.event
    state = request.args.get("state", "")[:12]
    q = request.args.get("q", "")[:100]
    assignments = svc.all_assignments(event, state=state, q=q)
    return render_template("speakers/manage/list.html", event=event, assignments=assignments, state=state, q=q,
                           counts=svc.state_counts(event), states=list(A), remind_form=EmptyForm(),
                           title=_("Speakers"))


@bp.route(MANAGE + "/sessions")
@requires("speaker.manage")
def manage_sessions(slug):
    """The sessions with how many speakers are invited, confirmed, declined."""
    event = g.event
    sessions = [s for s in agenda.sessions_of(event) if s.type.value != "break"]
    return render_template("speakers/manage/sessions.html", event=event, sessions=sessions,
                           counts=svc.counts_by_session(event), states=list(A), title=_("Speakers by session"))


@bp.route(MANAGE + "/proposals")
@requires("speaker.manage")
def manage_proposals(slug):
    event = g.event
    proposals = svc.pending_proposals(event)
    return render_template("speakers/manage/proposals.html", event=event, proposals=proposals,
                           form=DecisionForm(), title=_("Proposed changes"))


@bp.route(MANAGE + "/people/<int:user_id>")
@requires("speaker.manage")
def manage_person(slug, user_id):
    """One speaker: profile, availability, travel, needs, every session and slide."""
    from app.accounts.models import User

    event = g.event
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
@requires("speaker.manage")
def manage_export(slug, fmt):
    event = g.event
    if fmt not in tabular.FORMATS:
        abort(404)
    table = svc.export_table(event)
    svc.record_export(event, fmt, len(table.rows), actor=current_user)
    db.session.commit()
    return tabular.download(table, fmt, name=f"{event.slug}-speakers", sheet_title=_("Speakers"))


@bp.route(MANAGE + "/remind", methods=["POST"])
@requires("speaker.manage")
def remind_all(slug):
    event = g.event
    if EmptyForm().validate_on_submit():
        sent, skipped = svc.remind_open(event, actor=current_user,
                                        allowed=lambda a: can(current_user, "speaker.manage_session", a.session))
        db.session.commit()
        flash(_("Reminders sent: %(sent)d. Skipped (reminded less than a day ago): %(skipped)d.", sent=sent,
                skipped=skipped), "success" if sent else "info")
    return redirect(url_for("speakers.manage_list", slug=slug, state="invited"))


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
@requires("speaker.manage")
def manage_session(slug, session_id):
    event = g.event
    session = _session_or_404(event, session_id)
    return _render_session(event, session)


@bp.route(MANAGE + "/sessions/<int:session_id>/assign", methods=["POST"])
@requires("speaker.manage")
def assign_existing(slug, session_id):
    from app.accounts.models import User

    event = g.event
    session = _session_or_404(event, session_id)
    ensure("speaker.manage_session", session)
    form = AssignExistingForm()
    if form.validate_on_submit():
        user_id = optional_id(form.user_id.data)
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is None or not user.active:
            form.form_errors.append(_("Choose a person from the search results."))
        elif _apply(lambda: svc.assign_speaker(session, user, role=AssignmentRole(form.role.data),
                                               note=form.note.data or "", actor=current_user),
                    form=form, done=lambda _r: _("%(name)s is invited; the email is on its way.",
                                                 name=user.formal_name)):
            return redirect(url_for("speakers.manage_session", slug=slug, session_id=session.id))
    return _render_session(event, session, assign_form=form)


@bp.route(MANAGE + "/sessions/<int:session_id>/invite", methods=["POST"])
@requires("speaker.manage")
def invite_new(slug, session_id):
    event = g.event
    session = _session_or_404(event, session_id)
    ensure("speaker.manage_session", session)
    form = InviteNewForm()
    if form.validate_on_submit() and _apply(lambda: svc.invite_new_speaker(
            session, email=form.email.data, role=AssignmentRole(form.role.data), note=form.note.data or "",
            locale=form.locale.data, actor=current_user, **{k: getattr(form, k).data or "" for k in svc.USER_FIELDS}),
            form=form, done=_invited):
        return redirect(url_for("speakers.manage_session", slug=slug, session_id=session.id))
    return _render_session(event, session, invite_form=form)


def _invited(result) -> str:
    assignment, created = result
    if created:
        return _("Invitation sent to %(email)s: the link creates their account.", email=assignment.user.email)
    return _("%(email)s already has an account: %(name)s is invited.", email=assignment.user.email,
             name=assignment.user.formal_name)


def _managed_assignment(event, assignment_id: int) -> SpeakerAssignment:
    assignment = _assignment_or_404(event, assignment_id)
    ensure("speaker.manage_session", assignment.session)
    return assignment


def _back(assignment: SpeakerAssignment):
    return redirect(url_for("speakers.manage_session", slug=assignment.event.slug,
                            session_id=assignment.session_id))


@bp.route(MANAGE + "/assignments/<int:assignment_id>", methods=["POST"])
@requires("speaker.manage")
def assignment_update(slug, assignment_id):
    assignment = _managed_assignment(g.event, assignment_id)
    form = AssignmentForm(prefix=f"a{assignment.id}")
    if form.validate_on_submit():
        svc.update_assignment(assignment, {"role": form.role.data, "position": form.position.data,
                                           "note": form.note.data or ""}, actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    return _back(assignment)


@bp.route(MANAGE + "/assignments/<int:assignment_id>/answer", methods=["POST"])
@requires("speaker.manage")
def assignment_answer(slug, assignment_id):
    """Record an answer the speaker gave another way (phone, letter)."""
    assignment = _managed_assignment(g.event, assignment_id)
    if not svc.answers_open(assignment):  # answered meanwhile, from a page left open
        flash(svc.IllegalTransition(assignment.state, assignment.state).message, "danger")
        return _back(assignment)
    form = _answer_form(assignment)
    if form.validate_on_submit():
        try:
            svc.transition(assignment, A(form.answer.data), actor=current_user, reason=form.reason.data or "")
        except svc.SpeakerError as error:
            db.session.rollback()
            form.answer.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Answer recorded."), "success")
            return _back(assignment)
    return _render_session(g.event, assignment.session, answer_forms={assignment.id: form})


@bp.route(MANAGE + "/assignments/<int:assignment_id>/remind", methods=["POST"])
@requires("speaker.manage")
def assignment_remind(slug, assignment_id):
    assignment = _managed_assignment(g.event, assignment_id)
    if EmptyForm().validate_on_submit():
        _apply(lambda: svc.remind(assignment, actor=current_user),
               done=lambda _r: _("Reminder sent to %(name)s.", name=assignment.user.formal_name))
    return redirect(request.form.get("back") == "list" and url_for("speakers.manage_list", slug=slug)
                    or url_for("speakers.manage_session", slug=slug, session_id=assignment.session_id))


@bp.route(MANAGE + "/assignments/<int:assignment_id>/remove", methods=["POST"])
@requires("speaker.manage")
def assignment_remove(slug, assignment_id):
    assignment = _managed_assignment(g.event, assignment_id)
    session_id = assignment.session_id
    if EmptyForm().validate_on_submit():
        name = assignment.user.formal_name
        svc.remove_assignment(assignment, actor=current_user)
        db.session.commit()
        flash(_("%(name)s is no longer on this session.", name=name), "success")
    return redirect(url_for("speakers.manage_session", slug=slug, session_id=session_id))


@bp.route(MANAGE + "/proposals/<int:proposal_id>", methods=["POST"])
@requires("speaker.manage")
def proposal_decide(slug, proposal_id):
    proposal = get_in_event_or_404(SessionProposal, proposal_id, g.event)
    ensure("speaker.manage_session", proposal.session)
    form = DecisionForm()
    if form.validate_on_submit() and (form.approve.data or form.reject.data):
        run_service(lambda: svc.decide_proposal(proposal, approve=bool(form.approve.data), note=form.note.data or "",
                                                actor=current_user), (svc.SpeakerError, AgendaError),
                    done=_("Approved: the session has the new text; the public sees it at the next publication.")
                    if form.approve.data else _("Proposal rejected; the speaker is told."))
    target = request.form.get("back")
    if target == "session":
        return redirect(url_for("speakers.manage_session", slug=slug, session_id=proposal.session_id))
    return redirect(url_for("speakers.manage_proposals", slug=slug))


# --- The answer link ----------------------------------------------------------------

def _sensitive_limit():
    return current_app.config["RATELIMIT_SENSITIVE"]


@bp.route(PORTAL + "/answer/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_sensitive_limit, methods=["POST"])
def respond(slug, token):
    """The emailed link: accept or decline without logging in. An account created by
    the invitation chooses its password here, which also confirms the address."""
    from app.accounts.web import start_session

    event = _public_event(slug)
    assignment = svc.assignment_from_token(event, token)
    if assignment is None:
        return render_template("speakers/portal/link_invalid.html", event=event, title=_("Invitation")), 404
    user = assignment.user
    new_account = svc.needs_password(user)
    form = RespondForm(needs_password=new_account, email=user.email, names=(user.given_name, user.family_name))
    if form.validate_on_submit() and (form.accept.data or form.decline.data):
        if form.accept.data:
            if new_account:
                svc.activate_invited_account(user, form.password.data)
            svc.accept(assignment, actor=user)
            db.session.commit()
            if new_account:
                start_session(user)
                flash(_("Welcome! Your account is ready and your participation is confirmed."), "success")
                return redirect(url_for("speakers.edit_profile", slug=slug))
        else:
            svc.decline(assignment, actor=user, reason=form.reason.data or "")
            db.session.commit()
        return render_template("speakers/portal/answered.html", event=event, assignment=assignment,
                               title=_("Thank you"))
    co = svc.co_speakers([assignment.session_id]).get(assignment.session_id, [])
    return render_template("speakers/portal/respond.html", event=event, assignment=assignment, form=form,
                           new_account=new_account, co_speakers=[c for c in co if c.id != assignment.id],
                           title=_("Invitation to speak"))


# --- The speaker portal -------------------------------------------------------------

def _portal_event(slug):
    event = _public_event(slug)
    ensure("speaker.portal", event)
    return event


def _own_assignment(event, assignment_id: int) -> SpeakerAssignment:
    assignment = _assignment_or_404(event, assignment_id)
    ensure("speaker.own_assignment", assignment)
    return assignment


def _to_my_session(slug, assignment: SpeakerAssignment):
    return redirect(url_for("speakers.my_session", slug=slug, assignment_id=assignment.id))


@bp.route(PORTAL + "/")
@authenticated
def portal(slug):
    """My sessions: time, room, role, answer, co-speakers; links to profile and travel."""
    event = _portal_event(slug)
    assignments = svc.my_assignments(event, current_user)
    co = svc.co_speakers([a.session_id for a in assignments])
    registration = svc.live_registration(event, current_user)
    return render_template("speakers/portal/index.html", event=event, assignments=assignments, co_speakers=co,
                           registration=registration, empty_form=EmptyForm(), decline_form=DeclineForm(),
                           profile=svc.profile_for(event, current_user), title=_("Speaker portal"))


def _render_my_session(event, assignment, *, status=200, **forms):
    needs = forms.get("needs_form") or NeedsForm(obj=assignment, prefix="needs")
    proposal = svc.proposals_by_session([assignment.session_id], current_user).get(assignment.session_id)
    proposal_form = forms.get("proposal_form")
    if proposal_form is None:
        proposal_form = ProposalForm(prefix="proposal")
        source = proposal if proposal is not None and proposal.state.value == "pending" else assignment.session
        proposal_form.title.data, proposal_form.abstract.data = source.title, source.abstract
    co = svc.co_speakers([assignment.session_id]).get(assignment.session_id, [])
    return render_template("speakers/portal/session.html", event=event, assignment=assignment,
                           session=assignment.session, co_speakers=[c for c in co if c.id != assignment.id],
                           needs_form=needs, proposal_form=proposal_form, proposal=proposal,
                           slides_form=forms.get("slides_form") or SlidesForm(prefix="slides"),
                           decline_form=forms.get("decline_form") or DeclineForm(prefix="decline"),
                           withdraw_form=forms.get("withdraw_form") or WithdrawForm(prefix="withdraw"),
                           empty_form=EmptyForm(), slides=svc.slides_by_assignment([assignment.id]).get(
                               assignment.id, []),
                           max_size=uploads.readable_size(uploads.slides_max_bytes()),
                           title=assignment.session.title), status


@bp.route(PORTAL + "/sessions/<int:assignment_id>")
@authenticated
def my_session(slug, assignment_id):
    event = _portal_event(slug)
    assignment = _own_assignment(event, assignment_id)
    return _render_my_session(event, assignment, slides_form=_slides_form(assignment))


# Why the last slide file was refused, kept in the cookie session across the redirect
# back to the session page (Post/Redirect/Get: reloading that page posts nothing again).
SLIDES_REFUSED = "slides_refused"


def _slides_form(assignment: SpeakerAssignment) -> SlidesForm:
    """The slides form, showing once why a file for this assignment was just refused."""
    form = SlidesForm(prefix="slides")
    refused = cookie_session.pop(SLIDES_REFUSED, None)
    if isinstance(refused, dict) and refused.get("assignment") == assignment.id:
        form.file.errors = [str(message) for message in refused.get("errors") or []]
    return form


@bp.route(PORTAL + "/sessions/<int:assignment_id>/accept", methods=["POST"])
@authenticated
def accept_session(slug, assignment_id):
    event = _portal_event(slug)
    assignment = _own_assignment(event, assignment_id)
    if EmptyForm().validate_on_submit():
        _apply(lambda: svc.accept(assignment, actor=current_user),
               done=lambda _r: _("Thank you: your participation in “%(title)s” is confirmed.",
                                 title=assignment.session.title))
    return _to_my_session(slug, assignment)


@bp.route(PORTAL + "/sessions/<int:assignment_id>/decline", methods=["POST"])
@authenticated
def decline_session(slug, assignment_id):
    return _answer_with_reason(slug, assignment_id, "decline", DeclineForm, svc.decline, lambda assignment: _(
        "You declined “%(title)s”. Thank you for letting us know.", title=assignment.session.title))


@bp.route(PORTAL + "/sessions/<int:assignment_id>/withdraw", methods=["POST"])
@authenticated
def withdraw_session(slug, assignment_id):
    return _answer_with_reason(slug, assignment_id, "withdraw", WithdrawForm, svc.withdraw, lambda assignment: _(
        "You withdrew from “%(title)s”.", title=assignment.session.title))


def _answer_with_reason(slug, assignment_id, name: str, form_class, answer, done):
    """Decline or withdraw (`answer`) with the reason typed in the form `name`, then back to the session;
    a reason the form refuses shows the session page again."""
    event = _portal_event(slug)
    assignment = _own_assignment(event, assignment_id)
    form = form_class(prefix=name)
    if form.validate_on_submit():
        _apply(lambda: answer(assignment, actor=current_user, reason=form.reason.data or ""), category="info",
               done=lambda _r: done(assignment))
        return _to_my_session(slug, assignment)
    return _render_my_session(event, assignment, **{f"{name}_form": form})


@bp.route(PORTAL + "/sessions/<int:assignment_id>/proposal", methods=["POST"])
@authenticated
def propose(slug, assignment_id):
    event = _portal_event(slug)
    assignment = _own_assignment(event, assignment_id)
    form = ProposalForm(prefix="proposal")
    if form.validate_on_submit() and _apply(
            lambda: svc.propose_change(assignment, title=form.title.data, abstract=form.abstract.data or "",
                                       actor=current_user),
            form=form, done=_("Proposal sent: the programme team will approve or reject it.")):
        return _to_my_session(slug, assignment)
    return _render_my_session(event, assignment, proposal_form=form)


@bp.route(PORTAL + "/sessions/<int:assignment_id>/needs", methods=["POST"])
@authenticated
def needs(slug, assignment_id):
    event = _portal_event(slug)
    assignment = _own_assignment(event, assignment_id)
    form = NeedsForm(prefix="needs")
    if form.validate_on_submit() and _apply(
            lambda: svc.update_needs(assignment, {"av_needs": form.av_needs.data or "",
                                                  "interpretation_needs": form.interpretation_needs.data or "",
                                                  "slides_public": bool(form.slides_public.data)},
                                     actor=current_user),
            form=form, done=_("Saved.")):
        return _to_my_session(slug, assignment)
    return _render_my_session(event, assignment, needs_form=form)


@bp.route(PORTAL + "/sessions/<int:assignment_id>/slides", methods=["POST"])
@authenticated
def upload_slides(slug, assignment_id):
    """Slides are checked by content; a refused file leaves earlier versions as they were.
    Either way the answer is a redirect to the session page, where a refusal shows under
    the file field."""
    event = _portal_event(slug)
    assignment = _own_assignment(event, assignment_id)
    form = SlidesForm(prefix="slides")
    if form.validate_on_submit():
        upload = form.file.data
        checked = None
        try:
            checked = uploads.check_slides(upload.stream)
            slide = svc.add_slides(assignment, checked, upload.filename, actor=current_user)
        except uploads.UploadError as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [str(error)]
        except svc.SpeakerError as error:
            db.session.rollback()
            uploads.discard(checked)
            form.file.errors = list(form.file.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("Slides uploaded (version %(version)d).", version=slide.version), "success")
            return _to_my_session(slug, assignment)
    errors = [str(message) for field in form for message in field.errors]  # the file's, or an expired form's
    cookie_session[SLIDES_REFUSED] = {"assignment": assignment.id, "errors": errors or [_("Choose a file.")]}
    return redirect(url_for("speakers.my_session", slug=slug, assignment_id=assignment.id, _anchor="slides"))


@bp.route(PORTAL + "/profile", methods=["GET", "POST"])
@authenticated
def edit_profile(slug):
    """The public profile, with a preview of how the directory shows it."""
    event = _portal_event(slug)
    profile = svc.ensure_profile(event, current_user)
    ensure("speaker.own_profile", profile)
    form = ProfileForm()
    if request.method == "GET":
        for name in svc.USER_FIELDS:
            getattr(form, name).data = getattr(current_user, name)
        form.bio.data = profile.bio
        for field, link in zip((form.link1, form.link2, form.link3), profile.links or []):
            field.data = link
    if form.validate_on_submit() and _apply(lambda: _save_profile(profile, form), form=form,
                                            done=_("Profile saved.")):
        return redirect(url_for("speakers.edit_profile", slug=slug))
    db.session.commit()  # the profile row, when this was the first visit
    return render_template("speakers/portal/profile.html", event=event, form=form, profile=profile,
                           person=current_user, bio=svc.bio_html(profile), title=_("My speaker profile"))


def _save_profile(profile, form: ProfileForm) -> None:
    svc.update_profile(profile, {name: getattr(form, name).data or "" for name in svc.USER_FIELDS},
                       {"bio": form.bio.data or "", "links": form.links}, actor=current_user)
    if form.photo_jpeg:
        svc.replace_photo(profile, form.photo_jpeg, actor=current_user)


@bp.route(PORTAL + "/travel", methods=["GET", "POST"])
@authenticated
def travel(slug):
    event = _portal_event(slug)
    profile = svc.ensure_profile(event, current_user)
    ensure("speaker.own_profile", profile)
    registration = svc.live_registration(event, current_user)
    form = TravelForm(obj=profile)
    if request.method == "GET" and registration is not None:
        # What the delegate registration already says need not be typed twice.
        form.arrival_date.data = profile.arrival_date or registration.arrival_date
        form.departure_date.data = profile.departure_date or registration.departure_date
        form.nationality.data = profile.nationality or registration.nationality
        if not profile.visa_letter_requested and registration.visa_letter_needed:
            form.visa_letter_requested.data = True
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in svc.TRAVEL_FIELDS}
        data["travel_notes"] = data["travel_notes"] or ""
        data["nationality"] = data["nationality"] or ""
        data["visa_letter_requested"] = bool(data["visa_letter_requested"])
        if _apply(lambda: svc.update_travel(profile, data, actor=current_user), form=form, done=_("Saved.")):
            return redirect(url_for("speakers.travel", slug=slug))
    db.session.commit()
    return render_template("speakers/portal/travel.html", event=event, form=form, registration=registration,
                           visa_from_registration=svc.registration_has_visa_data(registration),
                           title=_("Availability and travel"))


# --- Files --------------------------------------------------------------------------

@bp.route("/e/<slug>/slides/<int:slide_id>")
@authenticated
def slides_download(slug, slide_id):
    """Always a download (attachment, nosniff, sandboxed), never shown inline."""
    event = _public_event(slug)
    slide = get_in_event_or_404(SlideFile, slide_id, event)
    ensure("speaker.download_slides", slide)
    path = uploads.slides_path(slide.stored_name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=uploads.MIMETYPES.get(slide.kind, "application/octet-stream"),
                         max_age=0)
    response.headers["Content-Disposition"] = content_disposition(slide.original_name, attachment=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _listed(event, user_id: int):
    """The directory entry of a confirmed speaker the viewer may see, or None."""
    state = public_state(event.slug)
    if state is None or state.publication_id is None:
        return None
    publication = db.session.get(agenda.Publication, state.publication_id)
    public = agenda.public_agenda(publication, categories=agenda.viewer_categories(current_user, event))
    if not any(p.id == user_id for s in public.sessions for p in s.speakers):
        return None
    return next((e for e in svc.directory(event, public) if e.user.id == user_id), None)


@bp.route("/e/<slug>/speakers/<int:user_id>/photo")
@public
def photo(slug, user_id):
    """A speaker's photo: public once they are a confirmed speaker, else for them and the organisers."""
    from app.accounts.models import User

    event = _public_event(slug)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    profile = svc.profile_for(event, user)
    if profile is None or not profile.photo_filename:
        abort(404)
    allowed = (current_user.is_authenticated and (current_user.id == user.id
                                                  or can(current_user, "speaker.manage", event)))
    if not allowed and _listed(event, user.id) is None:
        abort(404)
    path = uploads.photo_path(profile.photo_filename)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "public, max-age=300" if not allowed else "private, no-store"
    return response


# --- The public directory -------------------------------------------------------------

@bp.route("/e/<slug>/speakers")
@public
def directory(slug):
    """Confirmed speakers of the published agenda, by family name: a fixed number of queries."""
    state = public_state(slug)
    if state is None or not (state.event.published or has_any_role(current_user, state.event)):
        abort(404)
    event = g.event = state.event
    entries = []
    if state.publication_id is not None:
        publication = db.session.get(agenda.Publication, state.publication_id)
        public = agenda.public_agenda(publication, categories=agenda.viewer_categories(current_user, event))
        entries = svc.directory(event, public)
    return render_template("speakers/public/directory.html", event=event, entries=entries,
                           published=state.publication_id is not None, title=_("Speakers"))


@bp.route("/e/<slug>/speakers/<int:user_id>")
@public
def profile(slug, user_id):
    event = _public_event(slug)
    entry = _listed(event, user_id)
    if entry is None:
        abort(404)
    return render_template("speakers/public/profile.html", event=event, entry=entry,
                           bio=svc.bio_html(entry.profile), title=entry.user.formal_name)
