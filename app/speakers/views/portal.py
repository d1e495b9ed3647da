"""The speaker portal under /e/<slug>/speaker/: my sessions and answers, needs,
proposals and slides, my public profile, availability and travel."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import current_user

from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import in_event, requires
from app.speakers import bp, uploads
from app.speakers import services as svc
from app.speakers.forms import DeclineForm, NeedsForm, ProfileForm, ProposalForm, SlidesForm, TravelForm, WithdrawForm
from app.speakers.models import SpeakerAssignment
from app.speakers.views.common import PORTAL, to_my_session
from app.utils.views import run_service


@bp.route(PORTAL + "/")
@requires("speaker.portal", load={}, on="event")
def portal(event):
    """My sessions: time, room, role, answer, co-speakers; links to profile and travel."""
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
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def my_session(event, assignment):
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
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def accept_session(event, assignment):
    if EmptyForm().validate_on_submit():
        run_service(lambda: svc.accept(assignment, actor=current_user),
                    done=lambda _r: _("Thank you: your participation in “%(title)s” is confirmed.",
                                      title=assignment.session.title))
    return to_my_session(event.slug, assignment)


@bp.route(PORTAL + "/sessions/<int:assignment_id>/decline", methods=["POST"])
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def decline_session(event, assignment):
    return _answer_with_reason(event, assignment, "decline", DeclineForm, svc.decline, lambda assignment: _(
        "You declined “%(title)s”. Thank you for letting us know.", title=assignment.session.title))


@bp.route(PORTAL + "/sessions/<int:assignment_id>/withdraw", methods=["POST"])
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def withdraw_session(event, assignment):
    return _answer_with_reason(event, assignment, "withdraw", WithdrawForm, svc.withdraw, lambda assignment: _(
        "You withdrew from “%(title)s”.", title=assignment.session.title))


def _answer_with_reason(event, assignment, name: str, form_class, answer, done):
    """Decline or withdraw (`answer`) with the reason typed in the form `name`, then back to the session;
    a reason the form refuses shows the session page again."""
    form = form_class(prefix=name)
    if form.validate_on_submit():
        run_service(lambda: answer(assignment, actor=current_user, reason=form.reason.data or ""), category="info",
                    done=lambda _r: done(assignment))
        return to_my_session(event.slug, assignment)
    return _render_my_session(event, assignment, **{f"{name}_form": form})


@bp.route(PORTAL + "/sessions/<int:assignment_id>/proposal", methods=["POST"])
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def propose(event, assignment):
    form = ProposalForm(prefix="proposal")
    if form.validate_on_submit() and run_service(
            lambda: svc.propose_change(assignment, title=form.title.data, abstract=form.abstract.data or "",
                                       actor=current_user),
            form=form, done=_("Proposal sent: the programme team will approve or reject it.")):
        return to_my_session(event.slug, assignment)
    return _render_my_session(event, assignment, proposal_form=form)


@bp.route(PORTAL + "/sessions/<int:assignment_id>/needs", methods=["POST"])
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def needs(event, assignment):
    form = NeedsForm(prefix="needs")
    if form.validate_on_submit() and run_service(
            lambda: svc.update_needs(assignment, {"av_needs": form.av_needs.data or "",
                                                  "interpretation_needs": form.interpretation_needs.data or "",
                                                  "slides_public": bool(form.slides_public.data)},
                                     actor=current_user),
            form=form, done=_("Saved.")):
        return to_my_session(event.slug, assignment)
    return _render_my_session(event, assignment, needs_form=form)


@bp.route(PORTAL + "/sessions/<int:assignment_id>/slides", methods=["POST"])
@requires("speaker.own_assignment", load={"assignment": in_event(SpeakerAssignment, "assignment_id")},
          on="assignment")
def upload_slides(event, assignment):
    """Slides are checked by content; a refused file leaves earlier versions as they were.
    Either way the answer is a redirect to the session page, where a refusal shows under
    the file field."""
    form = SlidesForm(prefix="slides")
    upload = form.file.data
    if form.validate_on_submit() and run_service(
            lambda: svc.add_slides(assignment, uploads.check_slides(upload.stream), upload.filename,
                                   actor=current_user),
            form=form, field="file", done=lambda slide: _("Slides uploaded (version %(version)d).",
                                                          version=slide.version)):
        return to_my_session(event.slug, assignment)
    errors = [str(message) for field in form for message in field.errors]  # the file's, or an expired form's
    cookie_session[SLIDES_REFUSED] = {"assignment": assignment.id, "errors": errors or [_("Choose a file.")]}
    return redirect(url_for("speakers.my_session", slug=event.slug, assignment_id=assignment.id, _anchor="slides"))


def _own_profile(event, values: dict):
    """A loader for `requires`: the current user's speaker profile in the event, made on
    the first visit (asked after `speaker.portal`, so only speakers get one)."""
    return svc.ensure_profile(event, current_user)


@bp.route(PORTAL + "/profile", methods=["GET", "POST"])
@requires("speaker.portal", load={"profile": _own_profile}, on="event")
def edit_profile(event, profile):
    """The public profile, with a preview of how the directory shows it."""
    form = ProfileForm()
    if request.method == "GET":
        for name in svc.USER_FIELDS:
            getattr(form, name).data = getattr(current_user, name)
        form.bio.data = profile.bio
        for field, link in zip((form.link1, form.link2, form.link3), profile.links or []):
            field.data = link
    if form.validate_on_submit() and run_service(
            lambda: svc.save_profile(profile, {name: getattr(form, name).data or "" for name in svc.USER_FIELDS},
                                     {"bio": form.bio.data or "", "links": form.links}, photo=form.photo_jpeg,
                                     actor=current_user),
            form=form, done=_("Profile saved.")):
        return redirect(url_for("speakers.edit_profile", slug=event.slug))
    db.session.commit()  # the profile row, when this was the first visit
    return render_template("speakers/portal/profile.html", event=event, form=form, profile=profile,
                           person=current_user, bio=svc.bio_html(profile), title=_("My speaker profile"))


@bp.route(PORTAL + "/travel", methods=["GET", "POST"])
@requires("speaker.portal", load={"profile": _own_profile}, on="event")
def travel(event, profile):
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
        if run_service(lambda: svc.update_travel(profile, data, actor=current_user), form=form, done=_("Saved.")):
            return redirect(url_for("speakers.travel", slug=event.slug))
    db.session.commit()
    return render_template("speakers/portal/travel.html", event=event, form=form, registration=registration,
                           visa_from_registration=svc.registration_has_visa_data(registration),
                           title=_("Availability and travel"))
