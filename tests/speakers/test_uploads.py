"""Slide files checked by content (app/speakers/uploads.py)."""
from __future__ import annotations

import io
import zipfile

import pytest

from app.speakers import uploads
from tests.speakers.conftest import exe_bytes, odp_bytes, pdf_bytes, pptx_bytes, zip_bomb_pptx


# --- files ----------------------------------------------------------------------------

@pytest.mark.parametrize("maker,kind", [(pdf_bytes, "pdf"), (pptx_bytes, "pptx"), (odp_bytes, "odp")])
def test_check_slides_recognises_presentations_by_content(app, maker, kind):
    checked = uploads.check_slides(io.BytesIO(maker()))
    try:
        assert checked.kind == kind
    finally:
        uploads.discard(checked)


@pytest.mark.parametrize("data,message", [
    (exe_bytes(), "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation."),
    (b"", "The file is empty."),
    (b"<svg onload=alert(1)></svg>", "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation."),
    (b"PK\x03\x04 broken zip", "The file is damaged: it could not be read as a presentation."),
])
def test_check_slides_refuses_what_is_not_a_presentation(app, data, message):
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_slides(io.BytesIO(data))
    assert str(error.value) == message


def test_check_slides_refuses_a_zip_bomb(app):
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_slides(io.BytesIO(zip_bomb_pptx()))
    assert str(error.value) == "The presentation unpacks to far more data than it holds: it is refused as unsafe."


def test_check_slides_refuses_a_zip_that_is_not_a_presentation(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(uploads.UploadError):
        uploads.check_slides(io.BytesIO(out.getvalue()))


def test_check_slides_stops_reading_past_the_limit(app):
    app.config["SLIDES_MAX_BYTES"] = 1000
    try:
        with pytest.raises(uploads.UploadError) as error:
            uploads.check_slides(io.BytesIO(pdf_bytes() + b"0" * 5000))
    finally:
        app.config["SLIDES_MAX_BYTES"] = 50 * 1024 * 1024
    assert str(error.value) == "The file is too large: at most 1 KB."


@pytest.mark.parametrize("name,kind,expected", [
    ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
    ("..\\..\\boot.ini", "pdf", "boot.pdf"),
    ("Доклад Астана 2027.pptx", "pptx", "Доклад Астана 2027.pptx"),
    ("talk.exe", "pdf", "talk.pdf"),
    ("<script>.odp", "odp", "script.odp"),
    ("", "pdf", "slides.pdf"),
    ("...", "odp", "slides.odp"),
])
def test_clean_filename_keeps_a_harmless_name_with_the_real_extension(name, kind, expected):
    assert uploads.clean_filename(name, kind) == expected
