"""The secretariat's translation pages: status per language, export, import with preview."""
from __future__ import annotations

import base64
import binascii
import zlib

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.organiser import bp
from app.organiser.exchange import MAX_FILE_BYTES, UnreadableFile, export_po, export_xliff, read_file
from app.organiser.forms import ConfirmImportForm, ExportForm, ImportForm
from app.organiser.translation import (apply_import, preview_import, target_languages, translation_status,
                                       units_to_export)
from app.policy import requires
from app.utils.downloads import content_disposition
from app.utils.forms import select_choices
from app.utils.languages import language_name
from app.utils.translated import current_language


# The previewed file goes back with the confirmation, compressed, within the size a
# form field may have (Flask's MAX_FORM_MEMORY_SIZE, 500 kB by default).
CARRIED_LIMIT = 480_000


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _unpack(text: str) -> bytes:
    inflater = zlib.decompressobj()
    data = inflater.decompress(base64.b64decode(text, validate=True), MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise ValueError("too large")
    return data


def _language_choices(event) -> list:
    return select_choices((lang, language_name(lang, current_language())) for lang in target_languages(event))


def _import_form(event) -> ImportForm:
    form = ImportForm()
    form.lang.choices = _language_choices(event)
    return form


def _status_page(event, import_form=None, status=200):
    export_form = ExportForm(request.args if "lang" in request.args else None)
    export_form.lang.choices = _language_choices(event)
    return render_template("organiser/translations.html", event=event, status=translation_status(event),
                           export_form=export_form, import_form=import_form or _import_form(event),
                           title=_("Translations")), status


@bp.route("/translations")
@requires("translation.manage", load={})
def translations(event):
    return _status_page(event)


@bp.route("/translations/export")
@requires("translation.manage", load={})
def translations_export(event):
    # Without a choice, the missing texts of the first language to translate into, as XLIFF.
    choices = _language_choices(event)
    form = ExportForm(request.args if request.args else None, lang=choices[0].value if choices else None)
    form.lang.choices = choices
    if not form.validate():
        return _status_page(event, status=400)
    lang = form.lang.data
    units = units_to_export(event, lang, only_todo=form.scope.data == "todo")
    if form.format.data == "po":
        body, mimetype, ext = export_po(event, lang, units), "text/x-gettext-translation; charset=utf-8", "po"
    else:
        body, mimetype, ext = export_xliff(event, lang, units), "application/xliff+xml; charset=utf-8", "xlf"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(f"{event.slug}-{lang}.{ext}")
    return response


@bp.route("/translations/import", methods=["POST"])
@requires("translation.manage", load={})
def translations_import(event):
    form = _import_form(event)
    if not form.validate_on_submit():
        return _status_page(event, form, status=400)
    lang = form.lang.data
    try:
        preview = preview_import(event, lang, read_file(form.filename, form.content, lang))
    except UnreadableFile as error:
        form.file.errors.append(str(error.message))
        return _status_page(event, form, status=400)
    carried = _pack(form.content)
    if len(carried) > CARRIED_LIMIT:
        form.file.errors.append(_("This file is too large to check in one go: export fewer texts at a time."))
        return _status_page(event, form, status=400)
    confirm = ConfirmImportForm(formdata=None, lang=lang, filename=form.filename, content=carried)
    return render_template("organiser/translation_preview.html", event=event, preview=preview, form=confirm,
                           filename=form.filename, title=_("Check the translations before applying them"))


@bp.route("/translations/import/confirm", methods=["POST"])
@requires("translation.manage", load={})
def translations_import_confirm(event):
    form = ConfirmImportForm()
    lang = form.lang.data or ""
    if not form.validate_on_submit() or lang not in target_languages(event):
        flash(_("The translations could not be applied: upload the file again."), "danger")
        return redirect(url_for("organiser.translations", slug=event.slug))
    try:
        data = _unpack(form.content.data or "")
        preview = preview_import(event, lang, read_file(form.filename.data or "", data, lang))
    except (binascii.Error, zlib.error, ValueError, UnreadableFile):
        flash(_("The translations could not be applied: upload the file again."), "danger")
        return redirect(url_for("organiser.translations", slug=event.slug))
    count = apply_import(event, preview, actor=current_user, filename=form.filename.data or "")
    db.session.commit()
    flash(_("%(count)s translations applied.", count=count), "success")
    return redirect(url_for("organiser.translations", slug=event.slug))
