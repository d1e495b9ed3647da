"""The calling token itself."""
from __future__ import annotations

from flask_smorest import Blueprint

from app.api.auth import current_token, token_required
from app.api.schemas import ErrorSchema, TokenInfo

blp = Blueprint("api_token", __name__, description="The token making the call.")


@blp.route("/token")
@blp.response(200, TokenInfo)
@blp.alt_response(401, schema=ErrorSchema)
@blp.doc(security=[{"bearerAuth": []}])
@token_required
def token_info():
    """What the calling token is: its name, event, scope and actions."""
    token = current_token()
    return {"name": token.name, "kind": token.kind.value, "scope": token.scope.value, "event": token.event.slug,
            "actions": token.actions or [], "expires_at": token.expires_at, "user": token.user.email}
