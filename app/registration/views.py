"""Registration pages: the delegate's side under /e/<slug>/ and the
accreditation officer's side under /e/<slug>/manage/."""
from __future__ import annotations

from flask import (abort, current_app, flash, g, redirect, render_template, request, send_file, session,
                   url_for)
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.services import mark_email_verified, sign_up
from app.accounts.web import start_session
from app.events.services import get_event_or_404
from app.events.forms import EmptyForm
from app.extensions import db, limiter
from app.policy import authenticated, can, ensure, participant_list_is_public, public, requires
from app.registration import bp, commands, dashboard, photos, services  # noqa: F401 (commands attach to bp)
from app.registration.services import pending_invitation, same_address
from app.registration.forms import (BulkForm, CancelForm, CategoryForm, DecisionForm, DelegationForm, HoldForm,
                                    InvitationCsvForm, InvitationForm, MemberForm, NoteForm, QuestionForm, RankForm,
                                    SettingsForm, TravelForm, registration_form)
from app.registration.labels import history_label
from app.registration.models import (ApprovalMode, Category, Delegation, Invitation, Question, QuestionKind,
                                     Registration, RegistrationState as S, WaitlistMode)
from app.registration.services import AlreadyRegistered, RegistrationError
from app.utils import tabular
from app.utils.countries import country_choices, country_name
from app.utils.db import get_in_event_or_404
from app.utils.forms import select_choices
from app.utils.inputs import optional_id, record_id
from app.utils.paging import page_number
from app.utils.views import run_service

PER_PAGE = 50
dashboard.install()
PROFILE_PREFILL = ("honorific", "given_name", "family_name", "organisation", "position", "country")


@bp.context_processor
def _labels():
    from app.registration.labels import SHORT_LABELS, STATE_BADGES, STATE_LABELS

    return {"state_labels": STATE_LABELS, "short_labels": SHORT_LABELS, "state_badges": STATE_BADGES}


def _locale() -> str:
    return str(get_locale() or "en")


def _apply(call, **kwargs) -> bool:
    """`run_service` with the registration refusal: commit and flash, or show why not."""
    return run_service(call, RegistrationError, **kwargs)


def _category_choices(categories):
    return select_choices((c.id, c.name) for c in categories)


def _sensitive_limit():
    return current_app.config["RATELIMIT_SENSITIVE"]


def _public_event(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    return event


def _own_registration(event) -> Registration:
    """The current user's live registration, or 404."""
    registration = services.live_registration(event, current_user)
    if registration is None:
        abort(404)
    ensure("registration.own", registration)
    return registration


def _kept_photo_key(event) -> str:
    return f"kept_photo_{event.id}"


def _keep_photo(form, event) -> str | None:
    """The form goes back for corrections: a photo that passed its checks is kept (its
    name in this browser's signed session), so it need not be chosen again. Returns
    the name of the photo waiting, which the form sends back to claim it."""
    key = _kept_photo_key(event)
    if form.photo_jpeg:
        session[key] = photos.keep_photo(form.photo_jpeg, session.get(key))
    name = session.get(key)
    return name if photos.kept_photo(name) is not None else None


def _drop_kept_photo(event) -> None:
    """A form opened afresh starts without a photo kept from an earlier, abandoned try."""
    photos.forget_kept_photo(session.pop(_kept_photo_key(event), None))


def _store_photo(form, registration, event, *, actor) -> None:
    """Store the photo just sent or, if none was, the one kept from the try before,
    provided the form said so (it shows the kept photo and sends its name back)."""
    kept = session.pop(_kept_photo_key(event), None)
    claimed = kept if kept and request.form.get("kept_photo") == kept else None
    jpeg = form.photo_jpeg or photos.kept_photo(claimed)
    photos.forget_kept_photo(kept)
    if jpeg:
        services.replace_photo(registration, jpeg, actor=actor)


# --- The delegate's side -----------------------------------------------------------

@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@public
@limiter.limit(_sensitive_limit, methods=["POST"])
def register(slug):
    event = _public_event(slug)
    if current_user.is_authenticated and services.live_registration(event, current_user) is not None:
        flash(_("You are already registered for this event."), "info")
        return redirect(url_for("registration.my_registration", slug=slug))
    invitation = _session_invitation(event) or _own_pending_invitation(event)
    if not event.registration_is_open and invitation is None:
        return render_template("registration/closed.html", event=event, title=_("Registration"))
    anonymous = not current_user.is_authenticated
    cats = [invitation.category] if invitation is not None else services.categories(event, public_only=True)
    form = registration_form(event, questions=services.questions(event), anonymous=anonymous, locale=_locale())
    form.category.choices = _category_choices(cats)
    if request.method == "GET":
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
    if form.validate_on_submit():
        category = db.session.get(Category, form.category.data)
        # A personal invitation link that reached this address proves it: no confirmation needed.
        email = form.email.data if anonymous else current_user.email
        invited_here = invitation is not None and same_address(email, invitation.email)
        if anonymous:
            user = sign_up(email=form.email.data, password=form.password.data, locale=_locale(),
                           address_proven=invited_here,
                           **{name: getattr(form, name).data for name in PROFILE_PREFILL})
            if user is None:
                # The address has an account: its owner was emailed. Same answer as success.
                db.session.commit()
                return _check_email(event, form.email.data)
        else:
            user = current_user._get_current_object()
            if invited_here:
                mark_email_verified(user)
        try:
            if invitation is not None:
                registration = services.register_invited(invitation, user, form.details(), actor=user)
            else:
                registration = services.create_registration(event, user, form.details(), category=category,
                                                            actor=user)
        except AlreadyRegistered:
            db.session.rollback()
            flash(_("You are already registered for this event."), "info")
            return redirect(url_for("registration.my_registration", slug=slug))
        except RegistrationError as exc:
            form.category.errors.append(str(exc.message))
        else:
            _store_photo(form, registration, event, actor=user)
            db.session.commit()
            session.pop(_invitation_key(event), None)
            if anonymous and not user.is_verified:
                return _check_email(event, form.email.data)
            if anonymous:
                start_session(user)
            flash(_("Thank you: your registration is saved."), "success")
            return redirect(url_for("registration.my_registration", slug=slug))
    kept_photo = _keep_photo(form, event) if request.method == "POST" else _drop_kept_photo(event)
    return render_template("registration/register.html", event=event, form=form, anonymous=anonymous,
                           categories=cats, invitation=invitation, kept_photo=kept_photo, title=_("Register"))


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
    event = _public_event(slug)
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
    if session.get("lang") or current_user.is_authenticated or invitation.locale == _locale():
        return None
    return invitation.locale


def _check_email(event, email):
    return render_template("registration/check_email.html", event=event, email=email,
                           title=_("Check your email"))


@bp.route("/e/<slug>/my-registration")
@authenticated
def my_registration(slug):
    event = _public_event(slug)
    registration = services.live_registration(event, current_user)
    if registration is None:
        cancelled = db.session.scalar(select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == current_user.id)
            .order_by(Registration.id.desc()))
        return render_template("registration/none.html", event=event, cancelled=cancelled,
                               led=services.delegations_led(event, current_user), title=_("My registration"))
    ensure("registration.own", registration)
    letter, badge = _documents(registration)
    return render_template("registration/status.html", event=event, registration=registration,
                           questions=services.questions(event), answer_text=services.answer_text,
                           letter=letter, badge=badge,
                           led=services.delegations_led(event, current_user), title=_("My registration"))


def _documents(registration):
    """The delegate's valid visa-support letter and badge, if they have them."""
    from app.checkin.letters import current_letter
    from app.checkin.models import Badge

    if registration.state != S.approved:
        return None, None
    badge = db.session.scalar(select(Badge).where(Badge.registration_id == registration.id))
    return current_letter(registration), badge


@bp.route("/e/<slug>/my-registration/edit", methods=["GET", "POST"])
@authenticated
def edit_registration(slug):
    event = _public_event(slug)
    registration = _own_registration(event)
    if registration.state == S.rejected:
        flash(_("This registration can no longer be changed."), "warning")
        return redirect(url_for("registration.my_registration", slug=slug))
    form = registration_form(event, questions=services.questions(event), editing=True, locale=_locale(),
                             obj=registration)
    if request.method == "GET":
        for name, value in (registration.answers or {}).items():
            if f"q_{name}" in form:
                form[f"q_{name}"].data = value
    if form.validate_on_submit():
        back_to_review = services.update_registration(registration, form.details(), actor=current_user)
        _store_photo(form, registration, event, actor=current_user)
        db.session.commit()
        if back_to_review:
            flash(_("Your changes are saved. Because your name or passport details changed, accreditation "
                    "will check your registration again."), "warning")
        else:
            flash(_("Your changes are saved."), "success")
        return redirect(url_for("registration.my_registration", slug=slug))
    kept_photo = _keep_photo(form, event) if request.method == "POST" else _drop_kept_photo(event)
    return render_template("registration/edit.html", event=event, form=form, registration=registration,
                           kept_photo=kept_photo, title=_("Change my registration"))


@bp.route("/e/<slug>/my-registration/cancel", methods=["GET", "POST"])
@authenticated
def cancel_registration(slug):
    event = _public_event(slug)
    registration = _own_registration(event)
    form = CancelForm()
    if form.validate_on_submit():
        _apply(lambda: services.cancel_registration(registration, actor=current_user, reason=form.reason.data),
               done=_("Your registration is cancelled."), category="info")
        return redirect(url_for("registration.my_registration", slug=slug))
    return render_template("registration/cancel.html", event=event, form=form, registration=registration,
                           title=_("Cancel my registration"))


@bp.route("/e/<slug>/my-registration/accept", methods=["POST"])
@authenticated
def accept_offer(slug):
    event = _public_event(slug)
    registration = _own_registration(event)
    if EmptyForm().validate_on_submit():
        _apply(lambda: services.accept_offer(registration, actor=current_user),
               done=_("The place is yours: your registration is approved."))
    return redirect(url_for("registration.my_registration", slug=slug))


@bp.route("/e/<slug>/registrations/<int:registration_id>/photo")
@authenticated
def photo(slug, registration_id):
    """The badge photo, for its owner and the organisers who may see registrations."""
    event = _public_event(slug)
    registration = get_in_event_or_404(Registration, registration_id, event)
    if not (can(current_user, "registration.own", registration) or can(current_user, "registration.view", event)):
        abort(404)
    path = photos.photo_path(registration.photo_filename)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- The public participant list --------------------------------------------------------

@bp.route("/e/<slug>/participants")
@public
def participants(slug):
    """Approved delegates who agreed to be listed, by family name, with a search and a
    country filter; a fixed number of queries however long the list."""
    event = _public_event(slug)
    # A list that is switched off does not exist for the public (no authorisation
    # warning in the log: visitors following an old link are not an attack).
    if not can(current_user, "participants.view", event):
        abort(404)
    filters = services.ParticipantFilters.from_args(request.args)
    pagination = services.participants_page(event, filters, page=page_number(),
                                            per_page=PER_PAGE)
    codes = set(services.participant_countries(event))
    if filters.country:
        codes.add(filters.country)  # a real country nobody listed is from: kept in the filter, no match
    locale = _locale()
    countries = sorted(((code, country_name(code, locale)) for code in codes), key=lambda c: c[1].casefold())
    return render_template("registration/participants.html", event=event, pagination=pagination, filters=filters,
                           countries=countries, is_public=participant_list_is_public(event),
                           title=_("Participants"))


# --- The accreditation officer's side -------------------------------------------------

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
        "sort": args.get("sort", "newest")[:20],
    }


@bp.route("/e/<slug>/manage/registrations")
@requires("registration.view")
def manage_list(slug):
    event = g.event
    filters = _filters()
    page = page_number()
    pagination = db.paginate(services.registration_query(event, filters), page=page, per_page=PER_PAGE,
                             error_out=False)
    keys = services.duplicate_keys(event)
    delegations = list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id)
                                          .order_by(Delegation.name)))
    link_filters = {k: v for k, v in filters.items() if v not in (None, "", False)}
    for flag in ("duplicates", "other_address"):
        if filters[flag]:
            link_filters[flag] = "1"
    return render_template("registration/manage_list.html", event=event, pagination=pagination, filters=filters,
                           link_filters=link_filters, categories=services.categories(event),
                           delegations=delegations, countries=country_choices(_locale()),
                           duplicate=lambda r: services.is_duplicate(r, keys), states=list(S),
                           bulk_form=BulkForm(), title=_("Registrations"))


@bp.route("/e/<slug>/manage/registrations/<int:registration_id>")
@requires("registration.view")
def manage_detail(slug, registration_id):
    event = g.event
    registration = get_in_event_or_404(Registration, registration_id, event)
    return render_template("registration/manage_detail.html", event=event, registration=registration,
                           history=services.history(registration), history_label=history_label,
                           notes=services.notes(registration),
                           questions=services.questions(event), answer_text=services.answer_text,
                           duplicate=services.is_duplicate(registration, services.duplicate_keys(event)),
                           decision_form=DecisionForm(), note_form=NoteForm(), title=registration.full_name)


@bp.route("/e/<slug>/manage/registrations/<int:registration_id>/decide", methods=["POST"])
@requires("registration.review")
def manage_decide(slug, registration_id):
    event = g.event
    registration = get_in_event_or_404(Registration, registration_id, event)
    form = DecisionForm()
    if form.validate_on_submit():
        # The outcome decides the colour: an approval may end on the waitlist.
        if _apply(lambda: services.decide(registration, form.decision.data, actor=current_user,
                                          message=form.message.data or "")):
            if form.decision.data == "approve" and registration.state == S.waitlisted:
                flash(_("No place is left: the registration is on the waitlist."), "warning")
            else:
                flash(_("The registration is now %(state)s.", state=_state_label(registration.state)), "success")
    else:
        flash(_("Choose a decision."), "danger")
    return redirect(url_for("registration.manage_detail", slug=slug, registration_id=registration.id))


@bp.route("/e/<slug>/manage/registrations/<int:registration_id>/notes", methods=["POST"])
@requires("registration.review")
def manage_note(slug, registration_id):
    event = g.event
    registration = get_in_event_or_404(Registration, registration_id, event)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(registration, form.body.data, actor=current_user)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(" ".join(form.body.errors) or _("The note is empty."), "danger")
    return redirect(url_for("registration.manage_detail", slug=slug, registration_id=registration.id))


@bp.route("/e/<slug>/manage/registrations/bulk", methods=["POST"])
@requires("registration.review")
def manage_bulk(slug):
    event = g.event
    form = BulkForm()
    ids = [i for i in map(optional_id, request.form.getlist("selected")) if i is not None][:500]
    if not form.validate_on_submit() or not ids:
        flash(_("Select registrations and a decision."), "danger")
        return redirect(url_for("registration.manage_list", slug=slug))
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(ids)).order_by(Registration.id)))
    done, skipped = services.bulk_decide(registrations, form.decision.data, actor=current_user,
                                         message=form.message.data or "")
    db.session.commit()
    flash(_("%(done)d registrations changed, %(skipped)d skipped (the decision does not apply to them).",
            done=done, skipped=skipped), "success" if done else "warning")
    return redirect(url_for("registration.manage_list", slug=slug))


@bp.route("/e/<slug>/manage/registrations/export.<fmt>")
@requires("registration.export")
def manage_export(slug, fmt):
    event = g.event
    if fmt not in tabular.FORMATS:
        abort(404)
    table = services.export_table(event, _filters(),
                                  with_passport=can(current_user, "registration.view_passport", event))
    services.record_export(event, fmt, len(table.rows), actor=current_user)
    db.session.commit()
    return tabular.download(table, fmt, name=f"{event.slug}-registrations", sheet_title=_("Registrations"))


def _state_label(state: S) -> str:
    from app.registration.labels import SHORT_LABELS

    return str(SHORT_LABELS[state]).lower()


# --- Categories, questions and settings --------------------------------------------------

@bp.route("/e/<slug>/manage/categories", methods=["GET", "POST"])
@requires("registration.configure")
def manage_categories(slug):
    event = g.event
    form = CategoryForm(prefix="new")
    settings = services.settings_for(event)
    settings_form = SettingsForm(prefix="settings", obj=settings)
    question_form = QuestionForm(prefix="question")
    if request.method == "GET":
        settings_form.waitlist_mode.data = settings.waitlist_mode.value
    if form.submit.data and form.validate_on_submit():
        if services.category_name_taken(event, form.name.data):
            form.name.errors.append(_("Another category already has this name."))
        else:
            services.save_category(event, None, _category_data(form), actor=current_user)
            db.session.commit()
            flash(_("Category added."), "success")
            return redirect(url_for("registration.manage_categories", slug=slug))
    elif settings_form.submit.data and settings_form.validate_on_submit():
        services.update_settings(event, {
            "capacity": settings_form.capacity.data,
            "waitlist_mode": WaitlistMode(settings_form.waitlist_mode.data),
            "invited_preapproved": settings_form.invited_preapproved.data,
            "passport_retention_days": settings_form.passport_retention_days.data,
            "invitation_days": settings_form.invitation_days.data,
            "participant_list": settings_form.participant_list.data,
        }, actor=current_user)
        db.session.commit()
        flash(_("Registration settings saved."), "success")
        return redirect(url_for("registration.manage_categories", slug=slug))
    elif question_form.submit.data and question_form.validate_on_submit():
        services.add_question(event, label=question_form.label.data, kind=QuestionKind(question_form.kind.data),
                              choices=question_form.choice_list(), required=question_form.required.data,
                              position=question_form.position.data or 0, actor=current_user)
        db.session.commit()
        flash(_("Question added."), "success")
        return redirect(url_for("registration.manage_categories", slug=slug))
    cats = list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                   .order_by(Category.position, Category.id)))
    taken = services.places_taken_by_category(event)
    qs = list(db.session.scalars(select(Question).where(Question.event_id == event.id)
                                 .order_by(Question.position, Question.id)))
    return render_template("registration/manage_categories.html", event=event, form=form, categories=cats,
                           taken=taken, settings_form=settings_form, question_form=question_form, questions=qs,
                           title=_("Categories and questions"))


def _category_data(form) -> dict:
    return {
        "name": form.name.data, "description": form.description.data or "",
        "approval": ApprovalMode(form.approval.data), "invite_only": form.invite_only.data,
        "capacity": form.capacity.data, "protocol_rank": form.protocol_rank.data,
        "position": form.position.data or 0, "active": form.active.data,
    }


@bp.route("/e/<slug>/manage/categories/<int:category_id>", methods=["GET", "POST"])
@requires("registration.configure")
def manage_category(slug, category_id):
    event = g.event
    category = get_in_event_or_404(Category, category_id, event)
    form = CategoryForm(obj=category)
    if request.method == "GET":
        form.approval.data = category.approval.value
    if form.validate_on_submit():
        if services.category_name_taken(event, form.name.data, exclude=category):
            form.name.errors.append(_("Another category already has this name."))
        else:
            services.save_category(event, category, _category_data(form), actor=current_user)
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for("registration.manage_categories", slug=slug))
    return render_template("registration/manage_category.html", event=event, form=form, category=category,
                           title=category.name)


@bp.route("/e/<slug>/manage/questions/<int:question_id>/toggle", methods=["POST"])
@requires("registration.configure")
def manage_question_toggle(slug, question_id):
    event = g.event
    question = get_in_event_or_404(Question, question_id, event)
    services.set_question_active(question, not question.active, actor=current_user)
    db.session.commit()
    flash(_("Question updated."), "success")
    return redirect(url_for("registration.manage_categories", slug=slug))


# --- Invitations -----------------------------------------------------------------------

def _invitation_choices(event, form) -> None:
    form.category.choices = _category_choices(services.categories(event))
    form.delegation.choices = select_choices([(0, "—")] + [(d.id, d.name) for d in db.session.scalars(
        select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name))])


def _chosen(event, form):
    category = db.session.get(Category, form.category.data)
    delegation = db.session.get(Delegation, form.delegation.data) if form.delegation.data else None
    return category, delegation


@bp.route("/e/<slug>/manage/invitations", methods=["GET", "POST"])
@requires("invitation.manage")
def manage_invitations(slug):
    event = g.event
    form = InvitationForm(prefix="one")
    csv_form = InvitationCsvForm(prefix="csv")
    _invitation_choices(event, form)
    _invitation_choices(event, csv_form)
    if form.submit.data and form.validate_on_submit():
        category, delegation = _chosen(event, form)
        if _apply(lambda: services.create_invitation(
                event, email=form.email.data, category=category, delegation=delegation,
                message=form.message.data or "", honorific=form.honorific.data,
                given_name=form.given_name.data or "", family_name=form.family_name.data or "",
                locale=form.locale.data, actor=current_user),
                form=form, field="email", done=_("Invitation sent to %(email)s.", email=form.email.data)):
            return redirect(url_for("registration.manage_invitations", slug=slug))
    elif csv_form.submit.data and csv_form.validate_on_submit():
        category, delegation = _chosen(event, csv_form)
        invited, problems = services.import_invitations(event, csv_form.text, category=category,
                                                        delegation=delegation, message=csv_form.message.data or "",
                                                        actor=current_user)
        db.session.commit()
        flash(_("%(n)d invitations sent.", n=invited), "success" if invited else "warning")
        for line, problem in problems[:20]:
            flash(_("Line %(line)d: %(problem)s", line=line, problem=problem), "warning")
        return redirect(url_for("registration.manage_invitations", slug=slug))
    return render_template("registration/manage_invitations.html", event=event, form=form, csv_form=csv_form,
                           invitations=services.invitations(event), title=_("Invitations"))


@bp.route("/e/<slug>/manage/invitations/<int:invitation_id>/<action>", methods=["POST"])
@requires("invitation.manage")
def manage_invitation_action(slug, invitation_id, action):
    event = g.event
    if action not in ("resend", "revoke"):
        abort(404)
    invitation = get_in_event_or_404(Invitation, invitation_id, event)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "resend":
        _apply(lambda: services.resend_invitation(invitation, actor=current_user), done=_("Invitation sent again."))
    else:
        _apply(lambda: services.revoke_invitation(invitation, actor=current_user), done=_("Invitation revoked."))
    return redirect(url_for("registration.manage_invitations", slug=slug))


# --- Delegations ---------------------------------------------------------------------

def _delegation_data(event, form) -> dict | None:
    from app.accounts.models import User

    head_id = None
    if form.head_email.data:
        head = User.by_email(form.head_email.data)
        if head is None:
            form.head_email.errors.append(_("No account uses this address. Ask the person to create one first."))
            return None
        head_id = head.id
    return {"name": form.name.data, "country": form.country.data or "", "category_id": form.category.data,
            "head_user_id": head_id, "quota": form.quota.data, "protocol_rank": form.protocol_rank.data}


def _delegation_form(event, **kwargs) -> DelegationForm:
    form = DelegationForm(**kwargs)
    form.category.choices = _category_choices(services.categories(event))
    return form


@bp.route("/e/<slug>/manage/delegations", methods=["GET", "POST"])
@requires("delegation.view")
def manage_delegations(slug):
    event = g.event
    form = _delegation_form(event)
    if request.method == "POST":
        if not can(current_user, "delegation.manage", event):
            abort(403)
        if form.validate_on_submit():
            data = _delegation_data(event, form)
            if data is not None and services.delegation_name_taken(event, form.name.data):
                form.name.errors.append(_("Another delegation already has this name."))
            elif data is not None:
                services.save_delegation(event, None, data, actor=current_user)
                db.session.commit()
                flash(_("Delegation added."), "success")
                return redirect(url_for("registration.manage_delegations", slug=slug))
    return render_template("registration/manage_delegations.html", event=event, form=form, states=S,
                           delegations=services.delegations_in_protocol_order(event),
                           counts=services.delegation_counts(event), title=_("Delegations"))


@bp.route("/e/<slug>/manage/delegations/<int:delegation_id>", methods=["GET", "POST"])
@requires("delegation.manage")
def manage_delegation(slug, delegation_id):
    event = g.event
    delegation = get_in_event_or_404(Delegation, delegation_id, event)
    form = _delegation_form(event, obj=delegation)
    if request.method == "GET":
        form.category.data = delegation.category_id
        form.head_email.data = delegation.head.email if delegation.head else ""
    if form.validate_on_submit():
        data = _delegation_data(event, form)
        if data is not None and services.delegation_name_taken(event, form.name.data, exclude=delegation):
            form.name.errors.append(_("Another delegation already has this name."))
        elif data is not None:
            services.save_delegation(event, delegation, data, actor=current_user)
            db.session.commit()
            flash(_("Delegation saved."), "success")
            return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))
    return render_template("registration/manage_delegation.html", event=event, form=form, delegation=delegation,
                           title=delegation.name)


def _led_delegation(slug, delegation_id, *, act: bool):
    """The delegation, for its head or for organisers who may manage (act) or view it; 404 otherwise."""
    event = _public_event(slug)
    delegation = get_in_event_or_404(Delegation, delegation_id, event)
    if not (can(current_user, "delegation.lead", delegation)
            or can(current_user, "delegation.manage" if act else "delegation.view", event)):
        abort(404)
    return event, delegation


def _member_place(delegation, registration_id) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.delegation_id != delegation.id:
        abort(404)
    return registration


@bp.route("/e/<slug>/delegations/<int:delegation_id>")
@authenticated
def delegation(slug, delegation_id):
    """The delegation's page: members and their state, for its head and organisers."""
    event, delegation = _led_delegation(slug, delegation_id, act=False)
    may_act = can(current_user, "delegation.lead", delegation) or can(current_user, "delegation.manage", event)
    return render_template("registration/delegation.html", event=event, delegation=delegation,
                           members=services.members(delegation), may_act=may_act,
                           may_rank=can(current_user, "delegation.manage", event),
                           member_form=MemberForm(prefix="member"), hold_form=HoldForm(prefix="hold"),
                           rank_form=RankForm(), title=delegation.name)


@bp.route("/e/<slug>/delegations/<int:delegation_id>/members", methods=["POST"])
@authenticated
def delegation_add_member(slug, delegation_id):
    event, delegation = _led_delegation(slug, delegation_id, act=True)
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        _apply(lambda: services.register_member(delegation, form.email.data, form.details(), actor=current_user),
               done=lambda registration: _("%(name)s is registered.", name=registration.full_name))
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
    return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/hold", methods=["POST"])
@authenticated
def delegation_hold(slug, delegation_id):
    event, delegation = _led_delegation(slug, delegation_id, act=True)
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        _apply(lambda: services.hold_places(delegation, form.count.data, actor=current_user),
               done=lambda held: _("%(n)d places held: name the delegates when you know them.", n=len(held)))
    else:
        flash(_("Hold between 1 and 100 places at a time."), "danger")
    return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/places/<int:registration_id>/replace",
          methods=["GET", "POST"])
@authenticated
def delegation_replace(slug, delegation_id, registration_id):
    """Name a held place, or give a member's place to someone else."""
    event, delegation = _led_delegation(slug, delegation_id, act=True)
    place = _member_place(delegation, registration_id)
    form = MemberForm()
    form.submit.label.text = _("Give the place to this person")
    if form.validate_on_submit() and _apply(
            lambda: services.substitute_member(place, form.email.data, form.details(), actor=current_user),
            form=form, field="email", done=lambda _r: _("The place now belongs to %(name)s.", name=place.full_name)):
        return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))
    return render_template("registration/delegation_replace.html", event=event, delegation=delegation,
                           place=place, form=form, title=_("Give the place to someone else"))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/places/<int:registration_id>/rank", methods=["POST"])
@authenticated
def delegation_rank(slug, delegation_id, registration_id):
    event = _public_event(slug)
    delegation = get_in_event_or_404(Delegation, delegation_id, event)
    if not can(current_user, "delegation.manage", event):
        abort(404)
    place = _member_place(delegation, registration_id)
    form = RankForm()
    if form.validate_on_submit():
        services.set_member_rank(place, form.rank.data, actor=current_user)
        db.session.commit()
    return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))


# --- Travel details (second stage) -------------------------------------------------------

def _local_input(value, event) -> str:
    from app.utils.time import to_zone

    return to_zone(value, event.timezone).strftime("%Y-%m-%dT%H:%M") if value else ""


@bp.route("/e/<slug>/my-registration/travel", methods=["GET", "POST"])
@authenticated
def travel(slug):
    event = _public_event(slug)
    registration = _own_registration(event)
    if registration.state != S.approved:
        flash(_("Travel details are asked for once the registration is approved."), "info")
        return redirect(url_for("registration.my_registration", slug=slug))
    form = TravelForm(obj=registration, event=event)
    if request.method == "GET":
        form.arrival_at.data = registration.arrival_at and _local_input(registration.arrival_at, event)
        form.departure_at.data = registration.departure_at and _local_input(registration.departure_at, event)
    if form.validate_on_submit():
        services.update_travel(registration, form.travel_data(), actor=current_user)
        db.session.commit()
        flash(_("Your travel details are saved."), "success")
        return redirect(url_for("registration.my_registration", slug=slug))
    return render_template("registration/travel.html", event=event, form=form, registration=registration,
                           title=_("Travel details"))


@bp.route("/e/<slug>/manage/registrations/travel-reminders", methods=["POST"])
@requires("registration.review")
def manage_travel_reminders(slug):
    event = g.event
    if EmptyForm().validate_on_submit():
        count = services.queue_travel_reminders(event, actor=current_user)
        db.session.commit()
        flash(_("%(n)d reminders queued.", n=count), "success")
    return redirect(url_for("registration.manage_list", slug=slug))
