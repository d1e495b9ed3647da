"""Registrations of an event: list (filters, cursor pages), read, create on someone's
behalf, change state, decide many at once. The same rules as the officer's pages."""
from __future__ import annotations

from flask_babel import gettext as _

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.accounts.models import User
from app.api.auth import allows, authorise, current_token, may, token_required
from app.api.errors import ApiError
from app.api.resources.common import SECURITY, event_for_token, load_in_event, next_cursor, read_cursor
from app.api.schemas import CursorArgs, ErrorSchema, Input
from app.api.writes import IDEMPOTENCY_PARAM, IF_MATCH_PARAM, check_if_match, etag_of, idempotent, run
from app.extensions import db
from app.registration import services as registration_services
from app.registration.models import Category, Delegation, Registration, RegistrationState

blp = Blueprint("api_registrations", __name__, description="Registrations (token needed).")

STATES = [s.value for s in RegistrationState]
DECISIONS = ["approve", "reject", "waitlist"]


class PassportSchema(Schema):
    passport_number = fields.Str()
    passport_expiry = fields.Date(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    place_of_birth = fields.Str()


class RegistrationSchema(Schema):
    id = fields.Int(required=True)
    state = fields.Str(required=True, validate=validate.OneOf(STATES))
    category_id = fields.Int(required=True)
    delegation_id = fields.Int(allow_none=True)
    email = fields.Str(required=True)
    honorific = fields.Str()
    given_name = fields.Str()
    family_name = fields.Str()
    organisation = fields.Str()
    position = fields.Str()
    country = fields.Str()
    nationality = fields.Str()
    phone = fields.Str()
    languages = fields.List(fields.Str())
    arrival_date = fields.Date(allow_none=True)
    departure_date = fields.Date(allow_none=True)
    visa_letter_needed = fields.Bool()
    public_listing = fields.Bool()
    passport = fields.Nested(PassportSchema, allow_none=True,
                             metadata={"description": "Only for tokens that may see passport data."})


class RegistrationPage(Schema):
    items = fields.List(fields.Nested(RegistrationSchema), required=True)
    next_cursor = fields.Str(allow_none=True, required=True)


class RegistrationFilters(CursorArgs):
    state = fields.Str(validate=validate.OneOf(STATES))
    category = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    delegation = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    country = fields.Str(validate=validate.Length(equal=2))
    q = fields.Str(validate=validate.Length(max=100))


class RegistrationCreate(Input):
    email = fields.Email(required=True)
    category_id = fields.Int(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    delegation_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    honorific = fields.Str(load_default="", validate=validate.Length(max=40))
    given_name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    family_name = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    organisation = fields.Str(load_default="", validate=validate.Length(max=200))
    position = fields.Str(load_default="", validate=validate.Length(max=200))
    country = fields.Str(load_default="", validate=validate.Length(max=2))
    nationality = fields.Str(load_default="", validate=validate.Length(max=2))
    phone = fields.Str(load_default="", validate=validate.Length(max=40))
    languages = fields.List(fields.Str(validate=validate.Length(max=8)), load_default=list)
    arrival_date = fields.Date(load_default=None)
    departure_date = fields.Date(load_default=None)
    public_listing = fields.Bool(load_default=False)


class StateChange(Input):
    state = fields.Str(required=True, validate=validate.OneOf(["approved", "rejected", "waitlisted", "cancelled"]))
    message = fields.Str(load_default="", validate=validate.Length(max=2000))


class BulkDecision(Input):
    ids = fields.List(fields.Int(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
                      validate=validate.Length(min=1, max=500))
    decision = fields.Str(required=True, validate=validate.OneOf(DECISIONS))
    message = fields.Str(load_default="", validate=validate.Length(max=2000))


class BulkResult(Schema):
    done = fields.Int(required=True)
    skipped = fields.Int(required=True)


def show(registration: Registration) -> dict:
    data = {name: getattr(registration, name) for name in RegistrationSchema().fields if name != "passport"}
    data["state"] = registration.state.value
    data["passport"] = None
    if may("registration.view_passport", registration.event):
        data["passport"] = {name: getattr(registration, name) for name in PassportSchema().fields}
    return data



def _readable(registration: Registration) -> None:
    token = current_token()
    if not (allows(token, "registration.view", registration.event)
            or allows(token, "registration.own", registration)):
        authorise("registration.view", registration.event)


@blp.route("/events/<slug>/registrations")
@blp.arguments(RegistrationFilters, location="query")
@blp.response(200, RegistrationPage)
@blp.alt_response(403, schema=ErrorSchema)
@blp.doc(security=SECURITY)
@token_required
def list_registrations(filters, slug):
    """Registrations of the event, oldest first, a page at a time (`next_cursor`)."""
    event = event_for_token(slug)
    authorise("registration.view", event)
    after = read_cursor(filters.get("cursor"))
    limit = filters["limit"]
    stmt = (registration_services.registration_query(event, filters).order_by(None)
            .where(Registration.id > after).order_by(Registration.id).limit(limit + 1))
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = next_cursor(rows, more)
    return {"items": [show(r) for r in rows], "next_cursor": cursor}


@blp.route("/events/<slug>/registrations/<int:registration_id>")
@blp.response(200, RegistrationSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=SECURITY)
@token_required
def get_registration(slug, registration_id):
    """One registration (organisers, or the delegate's own token). ETag for If-Match."""
    event = event_for_token(slug)
    registration = load_in_event(Registration, registration_id, event)
    _readable(registration)
    data = show(registration)
    return data, 200, {"ETag": etag_of(data)}


@blp.route("/events/<slug>/registrations", methods=["POST"])
@idempotent
@blp.arguments(RegistrationCreate)
@blp.response(201, RegistrationSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def create_registration(data, slug):
    """Register someone on their behalf: an existing account, or a member of a delegation
    (who gets an account and an email when new)."""
    event = event_for_token(slug)
    email = data.pop("email")
    category = load_in_event(Category, data.pop("category_id"), event, status=422, field="category_id")
    delegation_id = data.pop("delegation_id", None)
    if delegation_id is not None:
        delegation = load_in_event(Delegation, delegation_id, event, status=422, field="delegation_id")
        if not allows(current_token(), "delegation.lead", delegation):
            authorise("delegation.manage", event, write=True)
        else:
            authorise("delegation.lead", delegation, write=True)
        registration = run(lambda: registration_services.register_member(delegation, email, data,
                                                                         actor=current_token().user))
        return show(registration)
    authorise("registration.review", event, write=True)
    user = User.by_email(email)
    if user is None:
        raise ApiError(422, fields={"email": [_("No account uses this address: send an invitation instead.")]})
    registration = run(lambda: registration_services.create_registration(event, user, data, category=category,
                                                                         actor=current_token().user))
    return show(registration)


@blp.route("/events/<slug>/registrations/<int:registration_id>/state", methods=["POST"])
@idempotent
@blp.arguments(StateChange)
@blp.response(200, RegistrationSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.alt_response(412, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM, IF_MATCH_PARAM])
@token_required
def change_state(data, slug, registration_id):
    """Approve, reject, waitlist or cancel. Send If-Match with the ETag you read."""
    event = event_for_token(slug)
    registration = load_in_event(Registration, registration_id, event)
    actor = current_token().user
    if data["state"] == "cancelled" and allows(current_token(), "registration.own", registration):
        authorise("registration.own", registration, write=True)
    else:
        authorise("registration.review", event, write=True)
    check_if_match(show(registration))
    decision = {"approved": "approve", "rejected": "reject", "waitlisted": "waitlist"}.get(data["state"])
    if decision is None:
        run(lambda: registration_services.cancel_registration(registration, actor=actor, reason=data["message"]))
    else:
        run(lambda: registration_services.decide(registration, decision, actor=actor, message=data["message"]))
    shown = show(registration)
    return shown, 200, {"ETag": etag_of(shown)}


@blp.route("/events/<slug>/registrations/decisions", methods=["POST"])
@idempotent
@blp.arguments(BulkDecision)
@blp.response(200, BulkResult)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def bulk_decide(data, slug):
    """One decision for many registrations; those where it does not apply are skipped."""
    event = event_for_token(slug)
    authorise("registration.review", event, write=True)
    rows = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                              Registration.id.in_(data["ids"]))))
    done, skipped = run(lambda: registration_services.bulk_decide(rows, data["decision"],
                                                                  actor=current_token().user,
                                                                  message=data["message"]))
    return {"done": done, "skipped": skipped + len(set(data["ids"])) - len(rows)}
