"""The delegate's pages: registering (with or without an invitation), their
registration's status, changes, cancellation, an offered place, the badge photo and
travel details."""
from __future__ import annotations

from flask import (abort, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.web import start_session
from app.events.forms import EmptyForm
from app.extensions import db, limiter
from app.policy import authenticated, in_event, public, requires
from app.registration import bp, photos, providers, services
from app.registration.forms import CancelForm, TravelForm, registration_form
from app.registration.models import Category, Registration, RegistrationState
from app.registration.services import AlreadyRegistered, RegistrationError, pending_invitation
from app.registration.views.common import (category_choices, current_locale, drop_kept_photo, forget_sent_photo,
                                           keep_photo_for_form, own_registration, public_event, sensitive_limit,
                                           sent_photo)
from app.utils import storage
from app.utils.views import run_service, show_refusal

PROFILE_PREFILL = ("honorific", "given_name", "family_name", "organisation", "position", "country")


@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@public
@limiter.limit(sensitive_limit, methods=["POST"])
def register(slug):
    event = public_event(slug)
    if current_user.is_authenticated and services.live_registration(event, current_user) is not None:
        return _already_registered(event)
    invitation = _session_invitation(event) or _own_pending_invitation(event)
    if not event.registration_is_open and invitation is None:
        return render_template("registration/closed.html", event=event, title=_("Registration"))
    anonymous = not current_user.is_authenticated
    cats = [invitation.category] if invitation is not None else services.categories(event, public_only=True)
    form = registration_form(event, questions=services.questions(event), anonymous=anonymous, locale=current_locale())
    form.category.choices = category_choices(cats)
    if request.method == "GET":
        _prefill_registration(form, invitation, anonymous)
    if form.validate_on_submit():
        response = _submit_registration(event, form, invitation, anonymous)
        if response is not None:
            return response
    kept_photo = keep_photo_for_form(form, event) if request.method == "POST" else drop_kept_photo(event)
    return render_template("registration/register.html", event=event, form=form, anonymous=anonymous,
                           categories=cats, invitation=invitation, kept_photo=kept_photo, title=_("Register"))


def _already_registered(event):
    flash(_("You are already registered for this event."), "info")
    return redirect(url_for("registration.my_registration", slug=event.slug))


def _prefill_registration(form, invitation, anonymous: bool) -> None:
    """A new form starts from the account's profile and from what the invitation says."""
    if not anonymous:
        for name in PROFILE_PREFILL:
            getattr(form, name).data = getattr(current_user, name)
        form.nationality.data = current_user.country
    if invitation is not None:
        for name in ("honorific", "given_name", "family_name"):
            if getattr(invitation, name):
                getattr(form, name).data = getattr(invitation, name)
        if anonymous:
            form.email.data = invitation.email


def _submit_registration(event, form, invitation, anonymous: bool):
    """Register through the one service call and commit: the page to go to next, or
    None (the refusal is on the form) to show the form again."""
    account = None if not anonymous else {
        "email": form.email.data, "password": form.password.data, "locale": current_locale(),
        **{name: getattr(form, name).data for name in PROFILE_PREFILL}}
    try:
        outcome = services.register(
            event, user=None if anonymous else current_user._get_current_object(), details=form.details(),
            category=db.session.get(Category, form.category.data), invitation=invitation, account=account,
            photo=sent_photo(form, event))
    except AlreadyRegistered:
        db.session.rollback()
        return _already_registered(event)
    except RegistrationError as refusal:
        db.session.rollback()
        show_refusal(form, refusal, "category")
        return None
    db.session.commit()
    if outcome.registration is not None:
        forget_sent_photo(event)
        session.pop(_invitation_key(event), None)
    if outcome.check_email:
        # A known address gets the same answer as a new one: its owner was emailed.
        return check_email_page(event, form.email.data)
    if outcome.new_account:
        start_session(outcome.user)
    flash(_("Thank you: your registration is saved."), "success")
    return redirect(url_for("registration.my_registration", slug=event.slug))


def _own_pending_invitation(event):
    """A pending invitation to the logged-in person's proven address, opened or not:
    the form offers its category wherever the link was opened."""
    if not current_user.is_authenticated or not current_user.is_verified:
        return None
    return pending_invitation(event, current_user.email)


def _invitation_key(event) -> str:
    return f"invitation:{event.id}"


def _session_invitation(event):
    """The invitation this browser opened for `event`, while it is still usable."""
    raw = session.get(_invitation_key(event))
    if not raw:
        return None
    invitation = services.invitation_by_token(event, raw)
    if invitation is None:
        session.pop(_invitation_key(event), None)
    return invitation


@bp.route("/e/<slug>/invitation/<token>")
@public
def accept_invitation(slug, token):
    """The personal link of an invitation: remembered in the session, then the form."""
    event = public_event(slug)
    invitation = services.invitation_by_token(event, token)
    if invitation is None:
        return render_template("registration/invitation_invalid.html", event=event,
                               title=_("Invitation")), 404
    services.open_invitation(invitation)
    db.session.commit()
    session[_invitation_key(event)] = token
    return redirect(url_for("registration.register", slug=slug, lang=_invitation_language(invitation)))


def _invitation_language(invitation) -> str | None:
    """The language the form opens in: the one asked for in the link, else the
    invitation's own (the email was written in it) for a visitor who has not chosen
    one; None where the usual choice stands."""
    asked = request.args.get("lang")
    if asked in current_app.config["LANGUAGES"]:
        return asked
    if session.get("lang") or current_user.is_authenticated or invitation.locale == current_locale():
        return None
    return invitation.locale


def check_email_page(event, email):
    return render_template("registration/check_email.html", event=event, email=email,
                           title=_("Check your email"))


@bp.route("/e/<slug>/my-registration")
@authenticated
@requires("event.view", load={})
def my_registration(event):
    registration = services.live_registration(event, current_user)
    if registration is None:
        cancelled = db.session.scalar(select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == current_user.id)
            .order_by(Registration.id.desc()))
        return render_template("registration/none.html", event=event, cancelled=cancelled,
                               led=services.delegations_led(event, current_user), title=_("My registration"))
    letter, badge = _documents(registration)
    return render_template("registration/status.html", event=event, registration=registration,
                           questions=services.questions(event), answer_text=services.answer_text,
                           letter=letter, badge=badge, footprint=providers.footprint_panel(registration, current_user),
                           led=services.delegations_led(event, current_user), title=_("My registration"))


def _documents(registration):
    """The delegate's valid visa-support letter and badge, if they have them."""
    if registration.state != RegistrationState.approved:
        return None, None
    return providers.documents_of(registration)


@bp.route("/e/<slug>/my-registration/edit", methods=["GET", "POST"])
@requires("registration.own", load={"registration": own_registration}, on="registration")
def edit_registration(event, registration):
    if registration.state == RegistrationState.rejected:
        flash(_("This registration can no longer be changed."), "warning")
        return redirect(url_for("registration.my_registration", slug=event.slug))
    form = registration_form(event, questions=services.questions(event), editing=True, locale=current_locale(),
                             obj=registration)
    if request.method == "GET":
        for name, value in (registration.answers or {}).items():
            if f"q_{name}" in form:
                form[f"q_{name}"].data = value
    if form.validate_on_submit():
        back_to_review = services.update_registration(registration, form.details(), actor=current_user,
                                                      photo=sent_photo(form, event))
        db.session.commit()
        forget_sent_photo(event)
        if back_to_review:
            flash(_("Your changes are saved. Because your name or passport details changed, accreditation "
                    "will check your registration again."), "warning")
        else:
            flash(_("Your changes are saved."), "success")
        return redirect(url_for("registration.my_registration", slug=event.slug))
    kept_photo = keep_photo_for_form(form, event) if request.method == "POST" else drop_kept_photo(event)
    return render_template("registration/edit.html", event=event, form=form, registration=registration,
                           kept_photo=kept_photo, title=_("Change my registration"))


@bp.route("/e/<slug>/my-registration/cancel", methods=["GET", "POST"])
@requires("registration.own", load={"registration": own_registration}, on="registration")
def cancel_registration(event, registration):
    form = CancelForm()
    if form.validate_on_submit():
        run_service(lambda: services.cancel_registration(registration, actor=current_user, reason=form.reason.data),
               done=_("Your registration is cancelled."), category="info")
        return redirect(url_for("registration.my_registration", slug=event.slug))
    return render_template("registration/cancel.html", event=event, form=form, registration=registration,
                           title=_("Cancel my registration"))


@bp.route("/e/<slug>/my-registration/accept", methods=["POST"])
@requires("registration.own", load={"registration": own_registration}, on="registration")
def accept_offer(event, registration):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.accept_offer(registration, actor=current_user),
               done=_("The place is yours: your registration is approved."))
    return redirect(url_for("registration.my_registration", slug=event.slug))


@bp.route("/e/<slug>/registrations/<int:registration_id>/photo")
@requires("registration.photo", load={"registration": in_event(Registration, "registration_id")},
          on="registration")
def photo(event, registration):
    """The badge photo, for its owner and the organisers who may see registrations."""
    response = storage.send(photos.photo_key(registration.photo_filename), mimetype="image/jpeg")
    if response is None:
        abort(404)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/e/<slug>/my-registration/travel", methods=["GET", "POST"])
@requires("registration.own", load={"registration": own_registration}, on="registration")
def travel(event, registration):
    if registration.state != RegistrationState.approved:
        flash(_("Travel details are asked for once the registration is approved."), "info")
        return redirect(url_for("registration.my_registration", slug=event.slug))
    form = TravelForm(obj=registration, event=event)
    if form.validate_on_submit():
        services.update_travel(registration, form.travel_data(), actor=current_user)
        db.session.commit()
        flash(_("Your travel details are saved."), "success")
        return redirect(url_for("registration.my_registration", slug=event.slug))
    return render_template("registration/travel.html", event=event, form=form, registration=registration,
                           title=_("Travel details"))


@bp.route("/e/<slug>/my-registration/travel/places")
@requires("registration.own", load={"registration": own_registration}, on="registration")
def travel_places(event, registration):
    """Airports whose code, city or name begin with `q`, for the place fields' suggestions."""
    query = request.args.get("q", "", type=str)[:60]
    return jsonify(suggestions=services.place_suggestions(query))
