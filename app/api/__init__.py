"""The JSON API (v1) and the pages where people make its tokens.

`bp` carries the token pages, the OpenAPI document and its documentation page; the
resources are flask-smorest blueprints registered with an `Api` when `bp` is
registered, so their routes and schemas are declared once and the OpenAPI document
is generated from them.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, template_folder="templates")
