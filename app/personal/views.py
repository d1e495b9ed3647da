"""The delegate's personal agenda under /e/<slug>/my-agenda: stars, sign-ups, the
private calendar feed (a secret address calendar apps fetch without logging in)."""
from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user

from app.agenda import exports
from app.events.forms import EmptyForm
from app.policy import get_event_or_404
from app.extensions import csrf, db
from app.i18n import content_language
from app.personal import bp, providers, services
from app.policy import authenticated, ensure, public, requires
from app.utils.downloads import content_disposition
from app.utils.views import run_service


def _public_event(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    return event


def _delegate_or_none(event):
    """The current user's approved registration, checked against the owner rule."""
    registration = services.delegate_registration(event, current_user)
    if registration is not None:
        ensure("agenda.personal", registration)
    return registration


def own_registration(event, values):
    """A loader for `requires`: the current user's registration for `event`."""
    return services.delegate_registration(event, current_user) if event is not None else None


def _posted() -> None:
    """A change is posted with a valid form (400 otherwise)."""
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/e/<slug>/my-agenda")
@authenticated
def my_agenda(slug):
    """The personal agenda: starred sessions, sign-ups, overlaps, the private feed,
    and the badge and letter downloads."""
    event = _public_event(slug)
    registration = _delegate_or_none(event)
    if registration is None:
        return render_template("personal/not_approved.html", event=event, title=_("My agenda"))
    agenda = services.delegate_agenda(event, registration)
    mine = services.personal_sessions(event, current_user, agenda)
    clashes = services.overlaps(mine)
    feed = services.feed_of(event, current_user)
    db.session.commit()  # the feed row, created on the first visit
    letter = providers.letter_of(registration) if registration.visa_letter_needed else None
    return render_template("personal/my_agenda.html", event=event, registration=registration, agenda=agenda,
                           starred=services.starred_ids(event, current_user),
                           signups=services.signups_of(event, current_user), mine=mine, clashes=clashes,
                           clashing={s.id for pair in clashes for s in pair},
                           feed_url=url_for("personal.agenda_feed", slug=slug, token=services.feed_token(feed),
                                            _external=True),
                           letter=letter, taken=services.places_by_session(agenda), form=EmptyForm(),
                           bilaterals=[b for b in providers.bilaterals_of(event, current_user) if not b.cancelled],
                           title=_("My agenda"))


def _agenda_action(event, registration, session_id, action):
    _posted()
    agenda = services.delegate_agenda(event, registration)
    run_service(lambda: action(event, agenda), done=lambda message: message)
    return redirect(url_for("personal.my_agenda", slug=event.slug) + f"#s{session_id}")


@bp.route("/e/<slug>/my-agenda/<int:session_id>/star", methods=["POST"])
@requires("agenda.personal", load={"registration": own_registration}, on="registration")
def agenda_star(event, registration, session_id):
    def act(event, agenda):
        services.star(event, current_user, agenda, session_id)
        return _("Added to your agenda.")
    return _agenda_action(event, registration, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/unstar", methods=["POST"])
@requires("agenda.personal", load={"registration": own_registration}, on="registration")
def agenda_unstar(event, registration, session_id):
    def act(event, agenda):
        services.unstar(event, current_user, session_id)
        return _("Removed from your agenda.")
    return _agenda_action(event, registration, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/signup", methods=["POST"])
@requires("agenda.personal", load={"registration": own_registration}, on="registration")
def agenda_signup(event, registration, session_id):
    def act(event, agenda):
        signup = services.sign_up_for_workshop(event, current_user, agenda, session_id, actor=current_user)
        if signup.state.value == "confirmed":
            return _("You have a place in this session.")
        return _("The session is full: you are on its waitlist and will be emailed if a place frees.")
    return _agenda_action(event, registration, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/withdraw", methods=["POST"])
@requires("agenda.personal", load={"registration": own_registration}, on="registration")
def agenda_withdraw(event, registration, session_id):
    def act(event, agenda):
        services.withdraw(event, current_user, session_id, actor=current_user, agenda=agenda)
        return _("You gave up your place in this session.")
    return _agenda_action(event, registration, session_id, act)


@bp.route("/e/<slug>/my-agenda/<int:session_id>/mark", methods=["GET", "POST"])
@csrf.exempt  # checked below: a post without a valid token changes nothing and asks again
@authenticated
def agenda_mark(slug, session_id):
    """The star buttons of the shared public pages (the agenda, a session's page).

    Those pages are the same for every reader, so their forms carry nobody's CSRF token:
    with JavaScript, `overlay.js` adds the reader's token and whether to star or unstar,
    and the change is made at once. Without it (or with a stale token), nothing changes:
    this page, the reader's own, asks again with a form of its own.
    """
    event = _public_event(slug)
    registration = _delegate_or_none(event)
    if registration is None:
        return render_template("personal/not_approved.html", event=event, title=_("My agenda"))
    back = "session" if request.args.get("back") == "session" else "agenda"
    agenda = services.delegate_agenda(event, registration)
    session = agenda.session(session_id)
    if session is None:
        abort(404)
    form = EmptyForm()
    choice = request.form.get("do")
    if request.method == "POST" and choice in ("star", "unstar") and form.validate_on_submit():
        if choice == "star":
            run_service(lambda: services.star(event, current_user, agenda, session_id),
                        done=_("Added to your agenda."))
        else:
            run_service(lambda: services.unstar(event, current_user, session_id), done=_("Removed from your agenda."))
        if back == "session":
            return redirect(url_for("agenda.public_session", slug=slug, session_id=session_id))
        return redirect(url_for("agenda.public_agenda", slug=slug) + f"#s-{session_id}")
    return render_template("personal/mark.html", event=event, s=session, form=form, back=back,
                           starred=session_id in services.starred_ids(event, current_user), title=_("My agenda"))


@bp.route("/e/<slug>/my-agenda/feed/reset", methods=["POST"])
@requires("agenda.personal", load={"registration": own_registration}, on="registration")
def feed_reset(event, registration):
    _posted()
    run_service(lambda: services.reset_feed(event, current_user, actor=current_user),
                done=_("Your calendar has a new address: the old one no longer works."))
    return redirect(url_for("personal.my_agenda", slug=event.slug) + "#feed")


@bp.route("/e/<slug>/my-agenda/<token>.ics")
@public
def agenda_feed(slug, token):
    """The private calendar feed: anyone with the secret address, as calendar apps fetch it
    without logging in. Unknown or revoked addresses answer 404."""
    event = get_event_or_404(slug)
    feed = services.feed_from_token(event, token)
    registration = services.delegate_registration(event, feed.user) if feed is not None else None
    agenda = services.delegate_agenda(event, registration) if registration is not None else None
    if agenda is None or not feed.user.is_active:
        abort(404)
    sessions = services.personal_sessions(event, feed.user, agenda)
    cancelled = services.personal_cancelled(event, feed.user, agenda)
    # Calendar apps mostly send no language: then the delegate's own, else the event's.
    own = feed.user.locale or event.default_language
    locale = content_language(own)
    with force_locale(locale):
        name = _("%(event)s — my agenda", event=event.title)
        extra = services.bilateral_vevents(event, providers.bilaterals_of(event, feed.user))
        body = exports.calendar_ics(event, agenda, sessions, cancelled, name=name, extra=extra)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    if locale == own:
        # Calendar apps poll this feed: an unchanged body is answered with 304.
        etag = services.note_feed_body(feed, body)
        db.session.commit()
        response.last_modified = feed.changed_at
    else:
        # Another language asked for: its own ETag; the recorded change time is the own language's.
        etag = services.feed_body_etag(body)
    response.headers["Content-Disposition"] = content_disposition(f"{event.slug}-my-agenda.ics", attachment=False)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = locale
    response.set_etag(etag)
    return response.make_conditional(request)
