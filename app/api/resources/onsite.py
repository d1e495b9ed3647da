"""On site: check-ins (scan a code, the list, live counts), visa-support letters
(issue, status, verify a letter's token) and a person's badge as a PDF."""
from __future__ import annotations


from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app import policy
from app.api.auth import allows, authorise, current_token, public, token_required
from app.api.errors import ApiError
from app.api.resources.common import SECURITY, event_for_token, load_in_event, next_cursor, read_cursor
from app.api.schemas import CursorArgs, ErrorSchema, Input
from app.api.writes import IDEMPOTENCY_PARAM, idempotent, run
from app.checkin import services as checkin_services
from app.checkin.models import CheckIn
from app.extensions import db
from app.registration.models import Registration

blp = Blueprint("api_onsite", __name__, description="Check-in, visa-support letters and badges (token needed).")

ID = validate.Range(min=1, max=2**31 - 1)


class ScanSchema(Input):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=400),
                      metadata={"description": "The badge's QR content or its short code."})
    confirmed = fields.Bool(load_default=False, metadata={"description": "Admit on a day outside the event."})


class FlagSchema(Schema):
    level = fields.Str(required=True)
    message = fields.Str(required=True)


class ScanResult(Schema):
    status = fields.Str(required=True, metadata={
        "description": "admitted, already, confirm, refused, invalid, matches or empty"})
    message = fields.Str(required=True)
    registration_id = fields.Int(allow_none=True, required=True)
    name = fields.Str(allow_none=True, required=True)
    flags = fields.List(fields.Nested(FlagSchema), required=True)


class CheckInSchema(Schema):
    id = fields.Int(required=True)
    registration_id = fields.Int(required=True)
    scope = fields.Str(required=True)
    session_id = fields.Int(allow_none=True)
    day = fields.Date(required=True)
    checked_in_at = fields.DateTime(required=True)
    method = fields.Str(required=True)


class CheckInPage(Schema):
    items = fields.List(fields.Nested(CheckInSchema), required=True)
    next_cursor = fields.Str(allow_none=True, required=True)


class CheckInFilters(CursorArgs):
    day = fields.Date()


class CountRow(Schema):
    category = fields.Str(required=True)
    checked_in = fields.Int(required=True)
    approved = fields.Int(required=True)


class CountsSchema(Schema):
    day = fields.Str(required=True)
    scope = fields.Str(required=True)
    checked_in = fields.Int(required=True)
    approved = fields.Int(required=True)
    categories = fields.List(fields.Nested(CountRow), required=True)


class LetterSchema(Schema):
    reference = fields.Str(required=True)
    status = fields.Str(required=True, metadata={"description": "valid, expired, revoked or superseded"})
    holder_name = fields.Str(required=True)
    valid_until = fields.Date(required=True)
    issued_at = fields.DateTime(required=True)
    event = fields.Str(required=True)


def _letter(letter) -> dict:
    return {"reference": letter.reference, "status": checkin_services.letter_status(letter),
            "holder_name": letter.holder_name, "valid_until": letter.valid_until, "issued_at": letter.issued_at,
            "event": letter.event.slug}



@blp.route("/events/<slug>/checkins", methods=["POST"])
@idempotent
@blp.arguments(ScanSchema)
@blp.response(200, ScanResult)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def scan(data, slug):
    """Check a person in at the entrance by the code on their badge."""
    event = event_for_token(slug)
    authorise("checkin.operate", event, write=True)
    result = run(lambda: checkin_services.scan(event, data["code"], actor=current_token().user,
                                               confirmed=data["confirmed"]))
    registration = result.registration
    return {"status": result.status, "message": str(result.message or ""),
            "registration_id": registration.id if registration else None,
            "name": registration.full_name if registration else None,
            "flags": [{"level": f.level, "message": str(f.message)} for f in result.flags]}


@blp.route("/events/<slug>/checkins")
@blp.arguments(CheckInFilters, location="query")
@blp.response(200, CheckInPage)
@blp.doc(security=SECURITY)
@token_required
def list_checkins(filters, slug):
    """Check-ins, oldest first, a page at a time."""
    event = event_for_token(slug)
    authorise("checkin.operate", event)
    stmt = select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.id > read_cursor(filters.get("cursor")))
    if filters.get("day"):
        stmt = stmt.where(CheckIn.day == filters["day"])
    rows = list(db.session.scalars(stmt.order_by(CheckIn.id).limit(filters["limit"] + 1)))
    more = len(rows) > filters["limit"]
    rows = rows[:filters["limit"]]
    cursor = next_cursor(rows, more)
    return {"items": [{"id": c.id, "registration_id": c.registration_id, "scope": c.scope,
                       "session_id": c.session_id, "day": c.day, "checked_in_at": c.checked_in_at,
                       "method": getattr(c.method, "value", c.method)} for c in rows],
            "next_cursor": cursor}


@blp.route("/events/<slug>/checkins/counts")
@blp.response(200, CountsSchema)
@blp.doc(security=SECURITY)
@token_required
def counts(slug):
    """Checked in today against approved, per category."""
    event = event_for_token(slug)
    authorise("checkin.operate", event)
    return checkin_services.live_counts(event)


def _registration(slug, registration_id):
    event = event_for_token(slug)
    return load_in_event(Registration, registration_id, event)


@idempotent
@blp.response(201, LetterSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def issue_letter(slug, registration_id):
    """Issue the delegate's visa-support letter (an earlier one is superseded)."""
    registration = _registration(slug, registration_id)
    authorise("visa_letter.manage", registration.event, write=True)
    letter = run(lambda: checkin_services.issue_letter(registration, actor=current_token().user))
    return _letter(letter)


@blp.response(200, LetterSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=SECURITY)
@token_required
def letter_status(slug, registration_id):
    """The delegate's current letter and its status (404 when none is issued)."""
    registration = _registration(slug, registration_id)
    letter = checkin_services.current_letter(registration)
    if not (letter is not None and allows(current_token(), "visa_letter.own", letter)):
        authorise("visa_letter.manage", registration.event)
    if letter is None:
        raise ApiError(404)
    return _letter(letter)


@blp.route("/events/<slug>/registrations/<int:registration_id>/visa-letter")
class VisaLetterResource(MethodView):
    """One rule for the address, its methods together (see agenda.SessionResource)."""

    _access_rule = policy.AUTHENTICATED
    get = staticmethod(letter_status)
    post = staticmethod(issue_letter)


@blp.route("/visa-letters/verify/<token>")
@blp.response(200, LetterSchema)
@blp.alt_response(404, schema=ErrorSchema)
@public
def verify_letter(token):
    """Check a letter by the token of its QR code: whether it is genuine and valid."""
    try:
        letter = checkin_services.letter_from_token(token[:500])
    except checkin_services.LetterTokenError as error:
        raise ApiError(404, str(error.message)) from None
    return _letter(letter)


@blp.route("/events/<slug>/registrations/<int:registration_id>/badge.pdf")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=SECURITY)
@token_required
def badge(slug, registration_id):
    """The person's badge as a PDF (organisers, or the delegate once approved)."""
    registration = _registration(slug, registration_id)
    if not allows(current_token(), "badge.own", registration):
        authorise("badge.print_bulk", registration.event)
    body = run(lambda: checkin_services.badge_pdf(registration))
    return Response(body, mimetype="application/pdf")
