"""Public, no token: published events, their days, rooms, tracks and sessions (the
published agenda, as schedule.json has it), speakers' public profiles and the
participant list where the event publishes it."""
from __future__ import annotations

from datetime import timedelta

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app import policy
from app.agenda import services as agenda_services
from app.api.auth import current_token, public
from app.api.errors import ApiError
from app.api.schemas import ErrorSchema, Versions
from app.events import services as event_services
from app.events.models import Event
from app.extensions import db
from app.registration import services as registration_services

blp = Blueprint("api_public", __name__, description="Published events and their agenda; no token needed.")


class EventSchema(Schema):
    """Texts in the language asked for (`?lang=`, else Accept-Language), every version in `*_i18n`."""

    slug = fields.Str(required=True)
    title = fields.Str(required=True)
    title_i18n = Versions(attribute="title", required=True)
    description = fields.Str(required=True)
    description_i18n = Versions(attribute="description", required=True)
    venue = fields.Str(required=True)
    venue_i18n = Versions(attribute="venue", required=True)
    city = fields.Str(required=True)
    city_i18n = Versions(attribute="city", required=True)
    country = fields.Str(required=True)
    timezone = fields.Str(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    languages = fields.List(fields.Str(), required=True)


class DaySchema(Schema):
    date = fields.Date(required=True)
    sessions = fields.Int(required=True)


class RoomSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    name_i18n = Versions(attribute="name", required=True)
    capacity = fields.Int(allow_none=True)
    location = fields.Str(allow_none=True)
    location_i18n = Versions(attribute="location", allow_none=True)


class TrackSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    name_i18n = Versions(attribute="name", required=True)
    slug = fields.Str(allow_none=True)
    colour = fields.Str(allow_none=True)


class SpeakerRef(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    organisation = fields.Str()
    position = fields.Str()
    role = fields.Str()


class SessionSchema(Schema):
    id = fields.Int(required=True)
    guid = fields.Str(required=True)
    title = fields.Str(required=True)
    title_i18n = Versions(attribute="title", required=True)
    type = fields.Str(required=True)
    track = fields.Str(allow_none=True)
    track_i18n = Versions(attribute="track", allow_none=True)
    room = fields.Str(required=True)
    room_i18n = Versions(attribute="room", required=True)
    room_id = fields.Int(allow_none=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    abstract = fields.Str(required=True)
    abstract_i18n = Versions(attribute="abstract", required=True)
    languages = fields.List(fields.Str(), required=True)
    sdgs = fields.List(fields.Int(), required=True)
    restricted = fields.Bool(required=True)
    speakers = fields.List(fields.Nested(SpeakerRef), required=True)


class SpeakerSchema(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    organisation = fields.Str()
    position = fields.Str()
    sessions = fields.List(fields.Int(), required=True)


class PageArgs(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=10000))


class ParticipantSchema(Schema):
    name = fields.Str(required=True)
    organisation = fields.Str(allow_none=True)
    country = fields.Str(allow_none=True)


def published_event(slug: str) -> Event:
    """A published event; an unpublished one is not found here, whoever asks."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None or not event.published:
        raise ApiError(404)
    return event


def published_agenda(event: Event):
    publication = agenda_services.current_publication(event)
    if publication is None:
        return None
    # The public's view: restricted sessions are left out, as on schedule.json.
    return agenda_services.public_agenda(publication, categories=frozenset())


def _event(event: Event) -> dict:
    return {field.attribute or name: getattr(event, field.attribute or name)
            for name, field in EventSchema().fields.items()}


def _session(s) -> dict:
    return {"id": s.id, "guid": s.uid, "title": s.title, "type": s.type, "track": (s.track or {}).get("name"),
            "room": s.room.get("name", ""), "room_id": s.room.get("id"), "starts_at": s.starts_at,
            "ends_at": s.ends_at, "abstract": s.abstract, "languages": list(s.languages or []),
            "sdgs": list(s.sdgs or []), "restricted": s.restricted,
            "speakers": [{"id": p.id, "name": p.name, "organisation": p.organisation, "position": p.position,
                          "role": p.role} for p in s.speakers]}


@blp.route("/events")
@blp.response(200, EventSchema(many=True))
@public
def events():
    """Published events."""
    return [_event(e) for e in event_services.published_events()]


@blp.route("/events/<slug>")
@blp.response(200, EventSchema)
@blp.alt_response(404, schema=ErrorSchema)
@public
def event(slug):
    """One published event."""
    return _event(published_event(slug))


@blp.route("/events/<slug>/days")
@blp.response(200, DaySchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
@public
def days(slug):
    """The event's days, with the number of published sessions on each."""
    event = published_event(slug)
    agenda = published_agenda(event)
    counts = {day: len(sessions) for day, sessions in agenda.days()} if agenda else {}
    result, day = [], event.start_date
    while day <= event.end_date:
        result.append({"date": day, "sessions": counts.get(day, 0)})
        day += timedelta(days=1)
    return result


@blp.route("/events/<slug>/rooms")
@blp.response(200, RoomSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
@public
def rooms(slug):
    """The rooms of the published agenda."""
    agenda = published_agenda(published_event(slug))
    return [{k: r.get(k) for k in ("id", "name", "capacity", "location")} for r in (agenda.rooms if agenda else [])]


@blp.route("/events/<slug>/tracks")
@blp.response(200, TrackSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
@public
def tracks(slug):
    """The tracks of the published agenda."""
    agenda = published_agenda(published_event(slug))
    return [{k: t.get(k) for k in ("id", "name", "slug", "colour")} for t in (agenda.tracks if agenda else [])]


@blp.route("/events/<slug>/sessions")
@blp.response(200, SessionSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
@public
def sessions(slug):
    """The published sessions, as in schedule.json (times in UTC, ISO 8601)."""
    agenda = published_agenda(published_event(slug))
    return [_session(s) for s in (agenda.sessions if agenda else [])]


@blp.route("/events/<slug>/speakers")
@blp.response(200, SpeakerSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
@public
def speakers(slug):
    """The confirmed speakers of published sessions: their public profile."""
    agenda = published_agenda(published_event(slug))
    people: dict[int, dict] = {}
    for s in (agenda.sessions if agenda else []):
        for p in s.speakers:
            person = people.setdefault(p.id, {"id": p.id, "name": p.name, "organisation": p.organisation,
                                              "position": p.position, "sessions": []})
            person["sessions"].append(s.id)
    return sorted(people.values(), key=lambda p: p["name"].casefold())


@blp.route("/events/<slug>/participants")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ParticipantSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
@public
def participants(args, slug):
    """The participant list, where the event publishes it (404 otherwise)."""
    event = published_event(slug)
    token = current_token()
    user = token.user if token is not None and token.event_id == event.id else None
    if not policy.can(user, "participants.view", event):
        raise ApiError(404)
    filters = registration_services.ParticipantFilters()
    pagination = registration_services.participants_page(event, filters, page=args["page"], per_page=100)
    return [{"name": " ".join(x for x in (r.honorific, r.given_name, r.family_name) if x),
             "organisation": r.organisation, "country": r.country} for r in pagination.items]
