"""Photos sent by people (badge photos, speaker portraits): checked by content and
re-encoded.

Pillow must recognise a JPEG or PNG whatever the file is called; what comes out is
a fresh JPEG without metadata, at most OUTPUT_SIZE, turned the way the camera said.
"""
from __future__ import annotations

from io import BytesIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.utils.refusals import Refusal

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
OUTPUT_SIZE = (1200, 1200)


class PhotoError(Refusal):
    """An upload that is not a usable photo (the message says why)."""


def process_photo(stream) -> bytes:
    """The re-encoded JPEG for an uploaded file, or PhotoError with a readable message."""
    data = stream.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(_l("The photo is too large: at most %(mb)d MB.", mb=MAX_PHOTO_BYTES // (1024 * 1024)))
    if not data:
        raise PhotoError(_l("The photo file is empty."))
    try:
        with Image.open(BytesIO(data)) as probe:
            kind = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError(_l("The photo has too many pixels."))
            probe.verify()
        if kind not in ("JPEG", "PNG"):
            raise PhotoError(_l("The photo must be a JPEG or PNG image."))
        with Image.open(BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail(OUTPUT_SIZE)
            out = BytesIO()
            image.save(out, "JPEG", quality=88)
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(_l("The photo must be a JPEG or PNG image.")) from exc
    return out.getvalue()
