"""The API's pages: the OpenAPI document, its documentation page (Swagger UI served
from the files of the swagger-ui-py package, no CDN), and the token pages."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, jsonify, render_template, send_from_directory

from app.api import bp, pages, webhook_pages  # noqa: F401 (they attach their pages to bp)
from app.api.auth import public
from app.api.setup import API_PREFIX, init_api

SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}
# Swagger UI sets some styles inline; the documentation page alone allows that.
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

bp.record_once(lambda state: init_api(state.app))


@bp.route(f"{API_PREFIX}/openapi.json")
@public
def openapi_json():
    return jsonify(current_app.extensions["kurultai_api"].spec.to_dict())


@bp.route(f"{API_PREFIX}/docs")
@public
def docs():
    response = current_app.make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.route(f"{API_PREFIX}/docs/<filename>")
@public
def docs_file(filename):
    if filename not in SWAGGER_FILES:
        abort(404)
    import swagger_ui  # imported here, by the first request for its files: not every worker needs it

    return send_from_directory(Path(swagger_ui.__file__).resolve().parent / "static", filename, max_age=86400)
