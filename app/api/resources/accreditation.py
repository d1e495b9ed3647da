"""Categories, delegations with their members, and invitations (one or a batch)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import allows, authorise, current_token, token_required
from app.api.resources.common import SECURITY, event_for_token, load_in_event
from app.api.resources.registrations import RegistrationSchema, show as show_registration
from app.api.errors import ApiError
from app.api.schemas import ErrorSchema, Input, TranslatedText, Versions
from app.api.writes import IDEMPOTENCY_PARAM, idempotent, run
from app.registration import services as registration_services
from app.registration.models import ApprovalMode, Category, Delegation
from app.utils.translated import Translated

blp = Blueprint("api_accreditation", __name__, description="Categories, delegations and invitations (token needed).")

ID = validate.Range(min=1, max=2**31 - 1)
COUNT = validate.Range(min=0, max=100000)


class CategorySchema(Input):
    """`name` and `description`: a string (the event's default language) or {language: text};
    read back in the language asked for, every version in `name_i18n`/`description_i18n`."""

    id = fields.Int(dump_only=True)
    name = TranslatedText(required=True, max_length=120, min_length=1)
    name_i18n = Versions(attribute="name")
    description = TranslatedText(load_default="", max_length=500)
    description_i18n = Versions(attribute="description")
    approval = fields.Str(load_default="moderated", validate=validate.OneOf([m.value for m in ApprovalMode]))
    invite_only = fields.Bool(load_default=False)
    capacity = fields.Int(load_default=None, allow_none=True, validate=COUNT)
    protocol_rank = fields.Int(load_default=100, validate=COUNT)
    position = fields.Int(load_default=0, validate=COUNT)
    active = fields.Bool(load_default=True)


class DelegationSchema(Input):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    country = fields.Str(load_default="", validate=validate.Length(max=2))
    category_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    head_user_id = fields.Int(dump_only=True, allow_none=True)
    quota = fields.Int(load_default=None, allow_none=True, validate=COUNT)
    protocol_rank = fields.Int(load_default=100, validate=COUNT)


class DelegationDetail(DelegationSchema):
    members = fields.List(fields.Nested(RegistrationSchema), dump_only=True)


class InvitationSchema(Input):
    id = fields.Int(dump_only=True)
    email = fields.Email(required=True)
    category_id = fields.Int(required=True, validate=ID)
    delegation_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    honorific = fields.Str(load_default="", validate=validate.Length(max=40))
    given_name = fields.Str(load_default="", validate=validate.Length(max=120))
    family_name = fields.Str(load_default="", validate=validate.Length(max=120))
    locale = fields.Str(load_default="en", validate=validate.Length(max=8))
    message = TranslatedText(load_default="", load_only=True, max_length=5000)
    state = fields.Str(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class InvitationBatch(Input):
    csv = fields.Str(required=True, validate=validate.Length(min=1, max=200000),
                     metadata={"description": "Lines of email, given_name, family_name, honorific, locale."})
    category_id = fields.Int(required=True, validate=ID)
    delegation_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    message = TranslatedText(load_default="", max_length=5000)


class BatchProblem(Schema):
    line = fields.Int(required=True)
    problem = fields.Str(required=True)


class BatchResult(Schema):
    invited = fields.Int(required=True)
    problems = fields.List(fields.Nested(BatchProblem), required=True)


def _category(c: Category) -> dict:
    data = {field.attribute or name: getattr(c, field.attribute or name)
            for name, field in CategorySchema().fields.items()}
    data["approval"] = c.approval.value
    return data


def _delegation(d: Delegation, with_members: bool = False) -> dict:
    data = {name: getattr(d, name) for name in DelegationSchema().fields}
    data["name"] = str(d.name)  # in the language asked for (the event's own, else any)
    if with_members:
        data["members"] = [show_registration(r) for r in registration_services.members(d)]
    return data


def _invitation(i) -> dict:
    data = {name: getattr(i, name) for name in InvitationSchema().fields if name != "message"}
    data["state"] = getattr(i.state, "value", i.state)
    return data


@blp.route("/events/<slug>/categories")
@blp.response(200, CategorySchema(many=True))
@blp.doc(security=SECURITY)
@token_required
def list_categories(slug):
    """Registration categories."""
    event = event_for_token(slug)
    authorise("registration.view", event)
    return [_category(c) for c in registration_services.categories(event)]


@blp.route("/events/<slug>/categories", methods=["POST"])
@idempotent
@blp.arguments(CategorySchema)
@blp.response(201, CategorySchema)
@blp.alt_response(422, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def create_category(data, slug):
    """A new registration category."""
    event = event_for_token(slug)
    authorise("registration.configure", event, write=True)
    data["approval"] = ApprovalMode(data["approval"])
    for name in ("name", "description"):
        data[name] = Translated.coerce(data[name], event.default_language)
    if not data["name"].get(event.default_language):
        raise ApiError(422, fields={"name": [_("Give the name in the event's default language.")]})
    if registration_services.category_name_taken(event, data["name"]):
        raise ApiError(422, fields={"name": [_("This name is already used.")]})
    category = run(lambda: registration_services.save_category(event, None, data, actor=current_token().user))
    return _category(category)


@blp.route("/events/<slug>/delegations")
@blp.response(200, DelegationSchema(many=True))
@blp.doc(security=SECURITY)
@token_required
def list_delegations(slug):
    """Delegations in protocol order."""
    event = event_for_token(slug)
    authorise("delegation.view", event)
    return [_delegation(d) for d in registration_services.delegations_in_protocol_order(event)]


@blp.route("/events/<slug>/delegations", methods=["POST"])
@idempotent
@blp.arguments(DelegationSchema)
@blp.response(201, DelegationSchema)
@blp.alt_response(422, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def create_delegation(data, slug):
    """A new delegation."""
    event = event_for_token(slug)
    authorise("delegation.manage", event, write=True)
    if data.get("category_id") is not None:
        load_in_event(Category, data["category_id"], event, status=422, field="category_id")
    data["head_user_id"] = None
    if registration_services.delegation_name_taken(event, data["name"]):
        raise ApiError(422, fields={"name": [_("This name is already used.")]})
    delegation = run(lambda: registration_services.save_delegation(event, None, data, actor=current_token().user))
    return _delegation(delegation)


@blp.route("/events/<slug>/delegations/<int:delegation_id>")
@blp.response(200, DelegationDetail)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(security=SECURITY)
@token_required
def get_delegation(slug, delegation_id):
    """A delegation and its members (organisers, or its head)."""
    event = event_for_token(slug)
    delegation = load_in_event(Delegation, delegation_id, event)
    if not allows(current_token(), "delegation.lead", delegation):
        authorise("delegation.view", event)
    return _delegation(delegation, with_members=True)


@blp.route("/events/<slug>/invitations")
@blp.response(200, InvitationSchema(many=True))
@blp.doc(security=SECURITY)
@token_required
def list_invitations(slug):
    """Invitations sent for the event."""
    event = event_for_token(slug)
    authorise("invitation.manage", event)
    return [_invitation(i) for i in registration_services.invitations(event)]


def _invitation_targets(event, data):
    category = load_in_event(Category, data.pop("category_id"), event, status=422, field="category_id")
    delegation_id = data.pop("delegation_id", None)
    delegation = (load_in_event(Delegation, delegation_id, event, status=422, field="delegation_id")
                  if delegation_id is not None else None)
    return category, delegation


@blp.route("/events/<slug>/invitations", methods=["POST"])
@idempotent
@blp.arguments(InvitationSchema)
@blp.response(201, InvitationSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def create_invitation(data, slug):
    """Invite one person by email."""
    event = event_for_token(slug)
    authorise("invitation.manage", event, write=True)
    category, delegation = _invitation_targets(event, data)
    email = data.pop("email")
    invitation = run(lambda: registration_services.create_invitation(
        event, email=email, category=category, delegation=delegation, actor=current_token().user, **data))
    return _invitation(invitation)


@blp.route("/events/<slug>/invitations/batch", methods=["POST"])
@idempotent
@blp.arguments(InvitationBatch)
@blp.response(200, BatchResult)
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_PARAM])
@token_required
def invite_batch(data, slug):
    """Invite everyone in a CSV text; bad lines are reported and skipped."""
    event = event_for_token(slug)
    authorise("invitation.manage", event, write=True)
    category, delegation = _invitation_targets(event, data)
    invited, problems = run(lambda: registration_services.import_invitations(
        event, data["csv"], category=category, delegation=delegation, actor=current_token().user,
        message=data["message"]))
    return {"invited": invited, "problems": [{"line": line, "problem": str(text)} for line, text in problems]}
