"""The API's resources, one module per group, each a flask-smorest blueprint."""
from __future__ import annotations

from app.api.resources.accreditation import blp as accreditation_blp
from app.api.resources.agenda import blp as agenda_blp
from app.api.resources.onsite import blp as onsite_blp
from app.api.resources.public import blp as public_blp
from app.api.resources.registrations import blp as registrations_blp
from app.api.resources.token import blp as token_blp

RESOURCE_BLUEPRINTS = (token_blp, public_blp, registrations_blp, accreditation_blp, agenda_blp, onsite_blp)
