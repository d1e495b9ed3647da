"""The draft agenda: sessions (create, update, move), publishing, and the speakers
assigned to sessions. Track-limited programme roles stay in their tracks, as on the pages."""
from __future__ import annotations

from flask_babel import gettext as _
from types import SimpleNamespace

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app import policy
from app.accounts.models import User
from app.agenda import services as agenda_services
from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
from app.api.auth import authorise, current_token, token_required
from app.api.errors import ApiError
from app.api.resources.common import SECURITY, event_for_token, load_in_event
from app.api.schemas import ErrorSchema, Input, TranslatedText, Versions
from app.api.writes import IDEMPOTENCY_PARAM, IF_MATCH_PARAM, check_if_match, etag_of, idempotent, run
from app.extensions import db
from app.utils.translated import Translated
from app.speakers import services as speaker_services
from app.speakers.models import AssignmentRole, SpeakerAssignment

blp = Blueprint("api_agenda", __name__, description="The draft agenda and its speakers (token needed).")

ID = validate.Range(min=1, max=2**31 - 1)


class DraftSessionSchema(Input):
    """`title` and `abstract`: a string (the event's default language) or {language: text};
    read back in the language asked for, every version in `title_i18n`/`abstract_i18n`."""

    id = fields.Int(dump_only=True)
    title = TranslatedText(required=True, max_length=300, min_length=1)
    title_i18n = Versions(attribute="title")
    type = fields.Str(load_default="panel", validate=validate.OneOf([t.value for t in SessionType]))
    room_id = fields.Int(required=True, validate=ID)
    track_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    abstract = TranslatedText(load_default="", max_length=20000)
    abstract_i18n = Versions(attribute="abstract")
    languages = fields.List(fields.Str(validate=validate.Length(max=8)), load_default=list)
    sdgs = fields.List(fields.Int(validate=validate.Range(min=1, max=17)), load_default=list)
    capacity = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100000))
    signup_required = fields.Bool(load_default=False)
    visibility = fields.Str(load_default="draft", validate=validate.OneOf([v.value for v in Visibility]))
    category_ids = fields.List(fields.Int(validate=ID), load_default=list)


class DraftSessionPatch(Input):
    """Every field optional: what is sent changes."""

    title = TranslatedText(max_length=300, min_length=1)
    type = fields.Str(validate=validate.OneOf([t.value for t in SessionType]))
    room_id = fields.Int(validate=ID)
    track_id = fields.Int(allow_none=True, validate=ID)
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    abstract = TranslatedText(max_length=20000)
    languages = fields.List(fields.Str(validate=validate.Length(max=8)))
    sdgs = fields.List(fields.Int(validate=validate.Range(min=1, max=17)))
    capacity = fields.Int(allow_none=True, validate=validate.Range(min=0, max=100000))
    signup_required = fields.Bool()
    visibility = fields.Str(validate=validate.OneOf([v.value for v in Visibility]))
    category_ids = fields.List(fields.Int(validate=ID))


class MoveSchema(Input):
    room_id = fields.Int(required=True, validate=ID)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class PublishSchema(Input):
    accept_conflicts = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=200),
                                  metadata={"description": "The conflicts key of a 409 answer, to publish anyway."})


class PublishResult(Schema):
    version = fields.Int(required=True)


class AssignmentSchema(Input):
    id = fields.Int(dump_only=True)
    session_id = fields.Int(dump_only=True)
    user_id = fields.Int(dump_only=True)
    email = fields.Email(load_only=True, required=True)
    role = fields.Str(load_default="panelist", validate=validate.OneOf([r.value for r in AssignmentRole]))
    note = fields.Str(load_default="", validate=validate.Length(max=2000))
    state = fields.Str(dump_only=True)


def show(session: AgendaSession) -> dict:
    data = {field.attribute or name: getattr(session, field.attribute or name)
            for name, field in DraftSessionSchema().fields.items()}
    data["type"] = session.type.value
    data["visibility"] = session.visibility.value
    return data


TEXTS = ("title", "abstract")


def _data(event, loaded: dict, session: AgendaSession | None = None) -> dict:
    """Form-like data for the agenda services: room and track as objects; texts as a
    version per language (a plain string is the event's default language; a change
    keeps the versions not sent)."""
    data = dict(loaded)
    for name in TEXTS:
        if name in data:
            sent = data[name]
            texts = {event.default_language: sent} if isinstance(sent, str) else sent
            current = getattr(session, name) if session is not None else Translated({}, event.default_language)
            data[name] = Translated.coerce(current, event.default_language).merged(texts)
    if "title" in data and not data["title"].get(event.default_language).strip():
        raise ApiError(422, fields={"title": [_("Give the title in the event's default language.")]})
    if "room_id" in data:
        data["room"] = load_in_event(Room, data.pop("room_id"), event, status=422, field="room_id")
    if "track_id" in data:
        track_id = data.pop("track_id")
        data["track"] = (load_in_event(Track, track_id, event, status=422, field="track_id")
                         if track_id is not None else None)
    if "type" in data:
        data["type"] = SessionType(data["type"])
    if "visibility" in data:
        data["visibility"] = Visibility(data["visibility"])
    return data


def _editable(session) -> None:
    authorise("agenda.edit", session.event, write=True)
    authorise("agenda.edit_session", session, write=True)


@blp.route("/events/<slug>/agenda/sessions")
@blp.response(200, DraftSessionSchema(many=True))
@blp.doc(security=SECURITY)
@token_required
def list_sessions(slug):
    """Every session of the draft, drafts included."""
    event = event_for_token(slug)
    authorise("agenda.view_draft", event)
    return [show(s) for s in agenda_services.sessions_of(event)]


@blp.route("/events/<slug>/agenda/sessions", methods=["POST"])
@idempotent
@blp.arguments(DraftSessionSchema)
@blp.response(201, DraftSessionSchema)
@blp.alt_response(422, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def create_session(loaded, slug):
    """A new session in the draft."""
    event = event_for_token(slug)
    data = _data(event, loaded)
    track = data.get("track")
    _editable(SimpleNamespace(event=event, track_id=track.id if track else None))
    session = run(lambda: agenda_services.create_session(event, data, actor=current_token().user))
    return show(session)


@blp.response(200, DraftSessionSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=SECURITY)
@token_required
def get_session(slug, session_id):
    """One session of the draft, with its ETag."""
    event = event_for_token(slug)
    session = load_in_event(AgendaSession, session_id, event)
    authorise("agenda.view_draft", event)
    data = show(session)
    return data, 200, {"ETag": etag_of(data)}


@blp.arguments(DraftSessionPatch)
@blp.response(200, DraftSessionSchema)
@blp.alt_response(412, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IF_MATCH_PARAM])
@token_required
def update_session(loaded, slug, session_id):
    """Change a session: only the fields sent. Send If-Match with the ETag you read."""
    event = event_for_token(slug)
    session = load_in_event(AgendaSession, session_id, event)
    _editable(session)
    data = _data(event, loaded, session)
    if "track" in data:
        track = data["track"]
        _editable(SimpleNamespace(event=event, track_id=track.id if track else None))
    check_if_match(show(session))
    run(lambda: agenda_services.update_session(session, data, actor=current_token().user))
    shown = show(session)
    return shown, 200, {"ETag": etag_of(shown)}


@blp.route("/events/<slug>/agenda/sessions/<int:session_id>/move", methods=["POST"])
@blp.arguments(MoveSchema)
@blp.response(200, DraftSessionSchema)
@blp.alt_response(412, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IF_MATCH_PARAM])
@token_required
def move_session(loaded, slug, session_id):
    """Another room and/or time for a session (If-Match as for a change)."""
    event = event_for_token(slug)
    session = load_in_event(AgendaSession, session_id, event)
    _editable(session)
    room = load_in_event(Room, loaded["room_id"], event, status=422, field="room_id")
    check_if_match(show(session))
    run(lambda: agenda_services.move_session(session, room=room, starts_at=loaded["starts_at"],
                                             ends_at=loaded["ends_at"], actor=current_token().user))
    shown = show(session)
    return shown, 200, {"ETag": etag_of(shown)}


@blp.route("/events/<slug>/agenda/publish", methods=["POST"])
@idempotent
@blp.arguments(PublishSchema)
@blp.response(200, PublishResult)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def publish(loaded, slug):
    """Publish the draft. Open conflicts refuse it (409, with their key) unless accepted."""
    event = event_for_token(slug)
    authorise("agenda.publish", event, write=True)
    authorise("agenda.edit_structure", event, write=True)
    try:
        publication = agenda_services.publish_agenda(event, actor=current_token().user,
                                                     accept_conflicts=loaded["accept_conflicts"])
    except agenda_services.ConflictsOpen as refusal:
        db.session.rollback()
        raise ApiError(409, str(refusal.message), fields={"accept_conflicts": [getattr(refusal, "key", "")]}) \
            from refusal
    db.session.commit()
    return {"version": publication.version}


def _assignment(a: SpeakerAssignment) -> dict:
    return {"id": a.id, "session_id": a.session_id, "user_id": a.user_id, "role": str(a.role),
            "note": a.note or "", "state": getattr(a.state, "value", a.state)}


@blp.response(200, AssignmentSchema(many=True))
@blp.doc(security=SECURITY)
@token_required
def list_assignments(slug, session_id):
    """The speakers assigned to a session, with their answer."""
    event = event_for_token(slug)
    session = load_in_event(AgendaSession, session_id, event)
    authorise("speaker.manage", event)
    return [_assignment(a) for a in speaker_services.assignments_of_session(session)]


@idempotent
@blp.arguments(AssignmentSchema)
@blp.response(201, AssignmentSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def assign(loaded, slug, session_id):
    """Invite a person with an account to speak in the session (they get an email)."""
    event = event_for_token(slug)
    session = load_in_event(AgendaSession, session_id, event)
    authorise("speaker.manage", event, write=True)
    authorise("speaker.manage_session", session, write=True)
    user = db.session.scalar(select(User).where(db.func.lower(User.email) == loaded["email"].lower()))
    if user is None:
        raise ApiError(422, fields={"email": [_("No account uses this address.")]})
    assignment = run(lambda: speaker_services.assign_speaker(session, user, role=AssignmentRole(loaded["role"]),
                                                             note=loaded["note"], actor=current_token().user))
    return _assignment(assignment)


# One rule per address, its methods together (a path with another method is then a 405
# only for a real object, and an impossible id is a 404 whatever the method).
@blp.route("/events/<slug>/agenda/sessions/<int:session_id>")
class SessionResource(MethodView):
    _access_rule = policy.AUTHENTICATED
    get = staticmethod(get_session)
    patch = staticmethod(update_session)


@blp.route("/events/<slug>/agenda/sessions/<int:session_id>/speakers")
class SessionSpeakers(MethodView):
    _access_rule = policy.AUTHENTICATED
    get = staticmethod(list_assignments)
    post = staticmethod(assign)
