"""Texts for translators as files: XLIFF 1.2 (lxml) and PO (Babel's catalog support).

Each text is one unit whose id is stable (``session.12.title``), whose source is the
text as first written and whose target is the current translation, if any. A target
made from an older source text is marked for review (XLIFF state
``needs-review-translation``, PO flag ``fuzzy``).
"""
from __future__ import annotations

from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from flask_babel import gettext as _
from lxml import etree

from app.organiser.translation import Incoming, TextUnit
from app.utils.refusals import Refusal
from app.utils.time import utcnow

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
MAX_FILE_BYTES = 2 * 1024 * 1024  # also the form's limit (app/organiser/forms.py)
FORMATS = ("xliff", "po")


class UnreadableFile(Refusal):
    """The uploaded file is not a translation file this page can read."""


def _note(unit: TextUnit) -> str:
    return f"{unit.kind.label}: {unit.kind.describe(unit.obj)} ({unit.kind.field_label(unit.field)})"


def export_xliff(event, lang: str, units: list[TextUnit]) -> bytes:
    nsmap = {None: XLIFF_NS}
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap=nsmap, version="1.2")
    file_el = etree.SubElement(root, f"{{{XLIFF_NS}}}file", {
        "original": event.slug, "datatype": "plaintext",
        "source-language": event.default_language, "target-language": lang,
        "date": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")})
    body = etree.SubElement(file_el, f"{{{XLIFF_NS}}}body")
    for unit in units:
        tu = etree.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", {"id": unit.id, "resname": unit.id})
        tu.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        etree.SubElement(tu, f"{{{XLIFF_NS}}}source").text = unit.source_text
        state = unit.state(lang)
        target = etree.SubElement(tu, f"{{{XLIFF_NS}}}target")
        target.text = unit.value.get(lang)
        target.set("state", {"missing": "needs-translation", "stale": "needs-review-translation"}
                   .get(state, "translated"))
        note = etree.SubElement(tu, f"{{{XLIFF_NS}}}note")
        note.text = _note(unit)
        if state == "stale":
            etree.SubElement(tu, f"{{{XLIFF_NS}}}note").text = _("Stale: the source text changed since this "
                                                                  "translation was made.")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_po(event, lang: str, units: list[TextUnit]) -> bytes:
    catalog = Catalog(locale=lang, project=str(event.title.in_(event.default_language)),
                      domain=event.slug, creation_date=utcnow(), revision_date=utcnow(), fuzzy=False)
    for unit in units:
        flags = ("fuzzy",) if unit.state(lang) == "stale" else ()
        catalog.add(unit.source_text, unit.value.get(lang), context=unit.id, auto_comments=[_note(unit)],
                    flags=flags)
    out = BytesIO()
    write_po(out, catalog, width=0, omit_header=False)
    return out.getvalue()


def _text(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


def read_xliff(data: bytes, lang: str) -> list[Incoming]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(_("This file is not valid XML: %(error)s", error=str(exc)[:200])) from None
    if etree.QName(root).localname != "xliff" or root.get("version") != "1.2":
        raise UnreadableFile(_("This is not an XLIFF 1.2 file."))
    ns = etree.QName(root).namespace or ""
    q = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
    files = root.findall(q("file"))
    if not files:
        raise UnreadableFile(_("This XLIFF file holds no texts."))
    items = []
    for file_el in files:
        target_lang = (file_el.get("target-language") or "").split("-")[0].lower()
        if target_lang and target_lang != lang:
            raise UnreadableFile(_("This file is a translation into “%(found)s”, not into “%(lang)s”.",
                                   found=target_lang, lang=lang))
        for tu in file_el.iter(q("trans-unit")):
            items.append(Incoming(tu.get("id") or "", _text(tu.find(q("source"))), _text(tu.find(q("target")))))
    return items


def read_po_file(data: bytes, lang: str) -> list[Incoming]:
    try:
        catalog = read_po(BytesIO(data), abort_invalid=True, charset="utf-8")
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise UnreadableFile(_("This PO file cannot be read: %(error)s", error=str(exc)[:200])) from None
    if catalog.locale is not None and catalog.locale.language != lang:
        raise UnreadableFile(_("This file is a translation into “%(found)s”, not into “%(lang)s”.",
                               found=catalog.locale.language, lang=lang))
    items = []
    for message in catalog:
        if not message.id or not message.context:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        items.append(Incoming(message.context, source, target or ""))
    return items


def read_file(filename: str, data: bytes, lang: str) -> list[Incoming]:
    """The texts of an uploaded XLIFF or PO file, told apart by name or content."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than %(size)s MB.", size=MAX_FILE_BYTES // (1024 * 1024)))
    name = (filename or "").lower()
    if name.endswith((".xlf", ".xliff", ".xml")) or data.lstrip().startswith(b"<"):
        return read_xliff(data, lang)
    if name.endswith((".po", ".pot")) or b"msgid" in data[:4096]:
        return read_po_file(data, lang)
    raise UnreadableFile(_("Upload an XLIFF (.xlf) or PO (.po) file."))
