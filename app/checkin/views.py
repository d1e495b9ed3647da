"""On-site pages: the delegate's agenda, badge and letter under /e/<slug>/, the
check-in desk, badge printing and letters under /e/<slug>/manage/, and the
public letter verification at /verify/<token>."""
from __future__ import annotations

from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select

from app.checkin import badges, bp, letters, services
from app.checkin.forms import PickForm, ReasonForm, ScanForm, SettingsForm, colour_value
from app.checkin.models import Badge, BadgeSize, CheckInMethod, VisaLetter
from app.checkin.services import OnsiteError
from app.events.forms import EmptyForm
from app.events.services import get_event_or_404
from app.extensions import db
from app.policy import authenticated, ensure, public, requires
from app.registration.models import Category, Delegation, Registration
from app.utils.db import get_in_event_or_404
from app.utils.downloads import content_disposition, filename_part
from app.utils.inputs import record_id
from app.utils.views import run_service

MANAGE = "/e/<slug>/manage"


@bp.context_processor
def _labels():
    from app.registration.labels import SHORT_LABELS, STATE_BADGES

    return {"short_labels": SHORT_LABELS, "state_badges": STATE_BADGES}


def _locale() -> str:
    return str(get_locale() or "en")


def _pdf(body: bytes, filename: str, *, download: bool = False) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, attachment=download)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _public_event(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    return event


def _safe_name(text: str) -> str:
    return filename_part(text, "badge")


# --- The delegate's side -------------------------------------------------------------

def _delegate_or_none(event, action: str = "agenda.personal"):
    """The current user's approved registration, checked against the owner rule `action`."""
    registration = services.delegate_registration(event, current_user)
    if registration is not None:
        ensure(action, registration)
    return registration


@bp.route("/e/<slug>/my-agenda")
@authenticated
def my_agenda(slug):
    """The personal agenda: starred sessions, sign-ups, overlaps, the private feed,
    and the badge and letter downloads."""
    event = _public_event(slug)
    registration = _delegate_or_none(event)
    if registration is None:
        return render_template("checkin/not_approved.html", event=event, title=_("My agenda"))
    agenda = services.delegate_agenda(event, registration)
    starred = services.starred_ids(event, current_user)
    signups = services.signups_of(event, current_user)
    mine = services.personal_sessions(event, current_user, agenda)
    clashes = services.overlaps(mine)
    clashing = {s.id for pair in clashes for s in pair}
    feed = services.feed_of(event, current_user)
    db.session.commit()  # the feed row, created on the first visit
    letter = letters.current_letter(registration) if registration.visa_letter_needed else None
    taken = _places(agenda)
    return render_template("checkin/my_agenda.html", event=event, registration=registration, agenda=agenda,
                           starred=starred, signups=signups, mine=mine, clashes=clashes, clashing=clashing,
                           feed_url=url_for("checkin.agenda_feed", slug=slug, token=services.feed_token(feed),
                                            _external=True),
                           letter=letter, taken=taken, form=EmptyForm(), title=_("My agenda"))


def _places(agenda) -> dict[int, tuple[int, int]]:
    """{session id: (places taken, waiting)} for the sessions with sign-up, in two grouped queries."""
    from sqlalchemy import func

    from app.checkin.models import SessionSignup, SignupState

    if agenda is None:
        return {}
    ids = [s.id for s in agenda.sessions if s.signup_required]
    if not ids:
        return {}
    rows = db.session.execute(select(SessionSignup.session_id, SessionSignup.state, func.count(SessionSignup.id))
                              .where(SessionSignup.session_id.in_(ids), SessionSignup.state != SignupState.cancelled)
                              .group_by(SessionSignup.session_id, SessionSignup.state)).all()
    result = {sid: [0, 0] for sid in ids}
    for sid, state, n in rows:
        result[sid][0 if state == SignupState.confirmed else 1] = n
    return {k: tuple(v) for k, v in result.items()}


def _agenda_action(slug, session_id, action):
    event = _public_event(slug)
    registration = _delegate_or_none(event)
    if registration is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    agenda = services.delegate_agenda(event, registration)
    run_service(lambda: action(event, agenda), OnsiteError, done=lambda message: message)
    return redirect(url_for("checkin.my_agenda", slug=slug) + f"#s{session_id}")


@bp.route("/e/<slug>/my-agenda/<int:session_id>/star", methods=["POST"])
@authenticated
def agenda_star(slug, session_id):
    def act(event, agenda):
        services.star(event, current_user, agenda, session_id)
        return _("Added to your agenda.")
    return _agenda_action(slug, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/unstar", methods=["POST"])
@authenticated
def agenda_unstar(slug, session_id):
    def act(event, agenda):
        services.unstar(event, current_user, session_id)
        return _("Removed from your agenda.")
    return _agenda_action(slug, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/signup", methods=["POST"])
@authenticated
def agenda_signup(slug, session_id):
    def act(event, agenda):
        signup = services.sign_up(event, current_user, agenda, session_id, actor=current_user)
        if signup.state.value == "confirmed":
            return _("You have a place in this session.")
        return _("The session is full: you are on its waitlist and will be emailed if a place frees.")
    return _agenda_action(slug, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/withdraw", methods=["POST"])
@authenticated
def agenda_withdraw(slug, session_id):
    def act(event, agenda):
        services.withdraw(event, current_user, session_id, actor=current_user, agenda=agenda)
        return _("You gave up your place in this session.")
    return _agenda_action(slug, session_id, act)


@bp.route("/e/<slug>/my-agenda/feed/reset", methods=["POST"])
@authenticated
def feed_reset(slug):
    event = _public_event(slug)
    if _delegate_or_none(event) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.reset_feed(event, current_user, actor=current_user)
    db.session.commit()
    flash(_("Your calendar has a new address: the old one no longer works."), "success")
    return redirect(url_for("checkin.my_agenda", slug=slug) + "#feed")


@bp.route("/e/<slug>/my-agenda/<token>.ics")
@public
def agenda_feed(slug, token):
    """The private calendar feed: anyone with the secret address, as calendar apps fetch it
    without logging in. Unknown or revoked addresses answer 404."""
    from app.agenda import exports

    event = get_event_or_404(slug)
    feed = services.feed_from_token(event, token)
    if feed is None:
        abort(404)
    registration = services.delegate_registration(event, feed.user)
    if registration is None or not feed.user.is_active:
        abort(404)
    agenda = services.delegate_agenda(event, registration)
    if agenda is None:
        abort(404)
    sessions = services.personal_sessions(event, feed.user, agenda)
    cancelled = services.personal_cancelled(event, feed.user, agenda)
    with force_locale(feed.user.locale or "en"):  # calendar apps send no language: the delegate's own
        name = _("%(event)s — my agenda", event=event.title)
    body = exports.calendar_ics(event, agenda, sessions, cancelled, name=name)
    # Calendar apps poll this feed: an unchanged body is answered with 304.
    etag = services.note_feed_body(feed, body)
    db.session.commit()
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition(f"{event.slug}-my-agenda.ics", attachment=False)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    response.set_etag(etag)
    response.last_modified = feed.changed_at
    return response.make_conditional(request)


@bp.route("/e/<slug>/my-badge.pdf")
@authenticated
def my_badge(slug):
    event = _public_event(slug)
    registration = _delegate_or_none(event, "badge.own")
    if registration is None:
        abort(404)
    body = services.badge_pdf(registration, locale=_locale())
    db.session.commit()
    return _pdf(body, f"badge-{_safe_name(registration.family_name)}.pdf")


@bp.route("/e/<slug>/my-visa-letter.pdf")
@authenticated
def my_letter(slug):
    event = _public_event(slug)
    registration = _delegate_or_none(event)
    letter = letters.current_letter(registration) if registration is not None else None
    if letter is None:
        abort(404)
    ensure("visa_letter.own", letter)
    try:
        body = letters.letter_pdf(letter, request.args.get("lang", "en"))
    except OnsiteError:
        abort(404)
    return _pdf(body, f"visa-letter-{letter.reference}.pdf")


@bp.route("/verify/<token>")
@public
def verify_letter(token):
    """Anyone holding a letter (a consulate) checks it: name, reference and validity only."""
    try:
        letter = letters.letter_from_token(token)
    except letters.LetterTokenError as exc:
        return render_template("checkin/verify.html", letter=None, status="invalid", message=str(exc.message),
                               title=_("Letter verification")), 404
    return render_template("checkin/verify.html", letter=letter, status=letters.letter_status(letter),
                           title=_("Letter verification"))


# --- The check-in desk ---------------------------------------------------------------

def _door(event):
    """The session whose door the desk is checking (from ?session= or the form), or None for the entrance."""
    raw = request.values.get("session", type=record_id)
    if not raw:
        return None, None
    sessions = services.desk_sessions(event)
    door = next((s for s in sessions if s.id == raw), None)
    if door is None:
        abort(404)
    return door, sessions


def _registration_from_pick(event, pick: str) -> Registration:
    """The registration a pick token of `event` names; 404 for a forged pick or one of another event."""
    registration = services.registration_from_pick(event, pick)
    if registration is None:
        abort(404)
    return registration


def _registration_from_posted_pick(event) -> Registration:
    """The registration picked in the posted PickForm: 400 without a valid form, else as `_registration_from_pick`."""
    form = PickForm()
    if not form.validate_on_submit():
        abort(400)
    return _registration_from_pick(event, form.pick.data)


def _result_html(event, result, door, method: CheckInMethod = CheckInMethod.search) -> str:
    return render_template("checkin/_result.html", event=event, result=result, door=door, method=method.value,
                           pick_form=PickForm(), pick=services.pick_token)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json"


def _confirmation(event, result, door, method: CheckInMethod) -> dict | None:
    """For an answer asking to confirm: the request that admits the person anyway."""
    if result.status != "confirm" or result.registration is None:
        return None
    fields = {"pick": services.pick_token(result.registration), "method": method.value, "confirm": "1"}
    if door:
        fields["session"] = str(door.id)
    return {"url": url_for("checkin.desk_pick", slug=event.slug), "fields": fields}


def _desk_answer(event, result, door, method: CheckInMethod = CheckInMethod.search):
    if _wants_json():
        confirm = _confirmation(event, result, door, method)
        return jsonify(status=result.status, message=result.message, html=_result_html(event, result, door, method),
                       **({"confirm": confirm} if confirm else {}))
    form = ScanForm()
    form.code.data = ""
    return render_template("checkin/desk.html", event=event, form=form, result=result, door=door,
                           doors=services.desk_sessions(event), counts=services.live_counts(
                               event, session_id=door.id if door else None),
                           result_html=_result_html(event, result, door, method), title=_("Check-in"))


@bp.route(MANAGE + "/checkin", methods=["GET", "POST"])
@requires("checkin.operate")
def desk(slug):
    """The desk: one field that takes a scan, a typed code or a name. Works without
    JavaScript (a full page per scan); checkin.js keeps the field focused and
    answers in place."""
    event = g.event
    door, doors = _door(event)
    form = ScanForm()
    result = None
    if request.method == "POST":
        if form.validate_on_submit():
            result = services.scan(event, form.code.data, actor=current_user, session=door,
                                   confirmed=form.confirm.data == "1")
            if result.status != "matches":  # a search writes nothing, and a commit would expire every match
                db.session.commit()
        else:
            result = services.DeskResult("empty")
        return _desk_answer(event, result, door, _method_of(form.code.data or ""))
    return render_template("checkin/desk.html", event=event, form=form, result=None, door=door,
                           doors=doors if doors is not None else services.desk_sessions(event),
                           counts=services.live_counts(event, session_id=door.id if door else None),
                           result_html="", title=_("Check-in"))


@bp.route(MANAGE + "/checkin/pick", methods=["POST"])
@requires("checkin.operate")
def desk_pick(slug):
    """Check in the person picked from the name search, or admit one the desk was asked to confirm."""
    event = g.event
    door, _doors = _door(event)
    form = PickForm()
    registration = _registration_from_posted_pick(event)
    method = next((m for m in CheckInMethod if m.value == form.method.data), CheckInMethod.search)
    result = services.admit(event, registration, actor=current_user, method=method, session=door,
                            confirmed=form.confirm.data == "1")
    db.session.commit()
    return _desk_answer(event, result, door, method)


def _method_of(text: str) -> CheckInMethod:
    """How the desk's field found someone: a scanned badge token or a typed short code."""
    return CheckInMethod.qr if badges.looks_like_token(text.strip()) else CheckInMethod.code


@bp.route(MANAGE + "/checkin/counts.json")
@requires("checkin.operate")
def desk_counts(slug):
    door, _doors = _door(g.event)
    response = jsonify(services.live_counts(g.event, session_id=door.id if door else None))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(MANAGE + "/checkin/photo/<pick>")
@requires("checkin.operate")
def desk_photo(slug, pick):
    """The badge photo of a person the desk is looking at, shrunk to screen size."""
    from app.registration.photos import photo_path

    registration = _registration_from_pick(g.event, pick)
    picture = badges.print_photo(photo_path(registration.photo_filename))
    if picture is None:
        abort(404)
    response = Response(picture.getvalue(), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(MANAGE + "/checkin/print", methods=["POST"])
@requires("badge.print_desk")
def desk_print(slug):
    """Print a new badge at the desk (lost, damaged or changed): the old one stops working."""
    registration = _registration_from_posted_pick(g.event)
    try:
        body = services.print_at_desk(registration, actor=current_user, locale=_locale())
    except OnsiteError as exc:
        db.session.rollback()
        flash(str(exc.message), "danger")
        return redirect(url_for("checkin.desk", slug=slug))
    db.session.commit()
    return _pdf(body, f"badge-{_safe_name(registration.family_name)}.pdf")


# --- Badges in bulk ------------------------------------------------------------------

def _badge_filters() -> dict:
    args = request.args
    return {"category": args.get("category", type=record_id), "delegation": args.get("delegation", type=record_id),
            "country": (args.get("country") or "")[:2].upper(), "q": (args.get("q") or "")[:100]}


@bp.route(MANAGE + "/badges")
@requires("badge.print_bulk")
def manage_badges(slug):
    event = g.event
    filters = _badge_filters()
    count = services.bulk_count(event, filters)
    shown = list(db.session.scalars(services.bulk_statement(event, filters).limit(50)))
    badge_rows = {b.registration_id: b for b in db.session.scalars(
        select(Badge).where(Badge.registration_id.in_([r.id for r in shown])))} if shown else {}
    categories = list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                         .order_by(Category.position, Category.id)))
    delegations = list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id)
                                          .order_by(Delegation.name)))
    return render_template("checkin/badges.html", event=event, filters=filters, count=count, shown=shown,
                           filter_args={k: v for k, v in filters.items() if v},
                           badge_rows=badge_rows, categories={c.id: c for c in categories},
                           delegations=delegations, pick=services.pick_token, pick_form=PickForm(),
                           title=_("Badges"))


@bp.route(MANAGE + "/badges.pdf")
@requires("badge.print_bulk")
def badges_pdf(slug):
    event = g.event
    body, count = services.bulk_badges_pdf(event, _badge_filters(), actor=current_user, locale=_locale())
    db.session.commit()
    return _pdf(body, f"badges-{event.slug}-{count}.pdf", download=True)


@bp.route(MANAGE + "/badges/reissue", methods=["POST"])
@requires("badge.print_bulk")
def badge_reissue(slug):
    registration = _registration_from_posted_pick(g.event)
    run_service(lambda: services.reissue_badge(registration, actor=current_user), OnsiteError,
                done=lambda badge: _("New badge for %(name)s (code %(code)s): the old one no longer works.",
                                     name=registration.full_name, code=badge.display_code))
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("checkin.manage_badges", slug=slug))


@bp.route(MANAGE + "/badges/<pick>.pdf")
@requires("badge.print_bulk")
def badge_one(slug, pick):
    registration = _registration_from_pick(g.event, pick)
    try:
        body = services.badge_pdf(registration, locale=_locale())
    except OnsiteError:
        abort(404)
    db.session.commit()
    return _pdf(body, f"badge-{_safe_name(registration.family_name)}.pdf")


# --- Settings --------------------------------------------------------------------------

@bp.route(MANAGE + "/onsite-settings", methods=["GET", "POST"])
@requires("badge.print_bulk")
def manage_settings(slug):
    event = g.event
    settings = services.settings_for(event)
    categories = list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                         .order_by(Category.position, Category.id)))
    form = SettingsForm(obj=settings if request.method == "GET" else None)
    if request.method == "GET":
        form.badge_size.data = settings.badge_size.value
    colours, colour_errors = {}, {}
    for category in categories:
        raw = request.form.get(f"colour-{category.id}") if request.method == "POST" else None
        if raw is None:
            colours[category.id] = badges.category_colour(settings, category)
        elif colour_value(raw) is None:
            colours[category.id] = raw[:20]
            colour_errors[category.id] = _("Use a colour like #0b5d3b.")
        else:
            colours[category.id] = colour_value(raw)
    if form.validate_on_submit() and not colour_errors:
        data = {name: getattr(form, name).data or "" for name in services.SETTINGS_FIELDS
                if hasattr(form, name)}
        data["badge_size"] = BadgeSize(form.badge_size.data)
        data["category_colours"] = {str(cid): colour for cid, colour in colours.items()}
        services.update_settings(event, data, actor=current_user)
        db.session.commit()
        flash(_("Badge and letter settings saved."), "success")
        return redirect(url_for("checkin.manage_settings", slug=slug))
    return render_template("checkin/settings.html", event=event, form=form, categories=categories, colours=colours,
                           colour_errors=colour_errors, placeholders=letters.PLACEHOLDERS,
                           title=_("Badge and letter settings"))


# --- Visa-support letters ----------------------------------------------------------------

@bp.route(MANAGE + "/visa-letters")
@requires("visa_letter.manage")
def manage_letters(slug):
    event = g.event
    waiting, issued = letters.letter_overview(event)
    return render_template("checkin/letters.html", event=event, waiting=waiting, letters=issued,
                           ready=any(letters.may_issue(r) for r in waiting),
                           status=letters.letter_status, may_issue=letters.may_issue, pick=services.pick_token,
                           pick_form=PickForm(), reason_form=ReasonForm(), form=EmptyForm(),
                           title=_("Visa-support letters"))


@bp.route(MANAGE + "/visa-letters/issue", methods=["POST"])
@requires("visa_letter.manage")
def letter_issue(slug):
    registration = _registration_from_posted_pick(g.event)
    run_service(lambda: letters.issue_letter(registration, actor=current_user), OnsiteError,
                done=lambda letter: _("Letter %(reference)s issued to %(name)s.", reference=letter.reference,
                                      name=letter.holder_name))
    return redirect(url_for("checkin.manage_letters", slug=slug))


@bp.route(MANAGE + "/visa-letters/issue-all", methods=["POST"])
@requires("visa_letter.manage")
def letter_issue_all(slug):
    if not EmptyForm().validate_on_submit():
        abort(400)
    issued = letters.issue_waiting(g.event, actor=current_user)
    db.session.commit()
    flash(ngettext("%(num)d letter issued.", "%(num)d letters issued.", len(issued)), "success")
    return redirect(url_for("checkin.manage_letters", slug=slug))


@bp.route(MANAGE + "/visa-letters/<public_id>/revoke", methods=["POST"])
@requires("visa_letter.manage")
def letter_revoke(slug, public_id):
    letter = get_in_event_or_404(VisaLetter, public_id, g.event, by=VisaLetter.public_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    run_service(lambda: letters.revoke_letter(letter, actor=current_user, reason=form.reason.data or ""), OnsiteError,
                done=lambda _r: _("Letter %(reference)s revoked.", reference=letter.reference))
    return redirect(url_for("checkin.manage_letters", slug=slug))


@bp.route(MANAGE + "/visa-letters/<public_id>.pdf")
@requires("visa_letter.manage")
def letter_pdf(slug, public_id):
    letter = get_in_event_or_404(VisaLetter, public_id, g.event, by=VisaLetter.public_id)
    try:
        body = letters.letter_pdf(letter, request.args.get("lang", "en"))
    except OnsiteError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("checkin.manage_letters", slug=slug))
    return _pdf(body, f"visa-letter-{letter.reference}.pdf")
