"""Badges: the signed token in the QR code and the printable PDF.

The QR carries a token with the badge's public id, its version and the last day
it is valid, nothing personal and no database id, signed with the event's Ed25519
key (app/checkin/signing.py), so an offline desk checks it with the public key
alone. Badges printed before that carry an HMAC of SECRET_KEY instead; they keep
working at an online desk. Changing a byte breaks either signature; a re-issued
badge has a new version (and a new short code), so the old QR stops working.

The PDF is drawn from plain `BadgeFace` values, so a bulk print reads one
registration at a time and keeps only the document in memory; photos are
shrunk to print size before they are embedded.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from PIL import Image

from app.checkin import signing
from app.checkin.models import BadgeSize

if TYPE_CHECKING:
    from fpdf import FPDF

TOKEN_SALT = "kurultai.badge.v1"
# Badges stay valid this many days after the event's last day (late departures, closing events).
VALID_DAYS_AFTER = 2
SIZES_MM = {BadgeSize.a6: (105.0, 148.0), BadgeSize.a7: (74.0, 105.0), BadgeSize.cr80: (54.0, 85.6)}
SIZE_LABELS = {BadgeSize.a6: _l("A6 (105 × 148 mm)"), BadgeSize.a7: _l("A7 (74 × 105 mm)"),
               BadgeSize.cr80: _l("Plastic card (54 × 86 mm)")}
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
PALETTE = ("#c62828", "#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#37474f",
           "#9e9d24")
PHOTO_PIXELS = (240, 320)  # 3:4, about 150 dpi on an A6 badge
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class BadgeTokenError(Exception):
    """A scanned token that does not open a badge; `kind` says why (forged, expired)."""

    def __init__(self, kind: str, message):
        super().__init__(str(message))
        self.kind = kind
        self.message = message


# --- Tokens ------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def valid_until(event) -> date:
    return event.end_date + timedelta(days=VALID_DAYS_AFTER)


def make_token(public_id: str, version: int, last_day: date) -> str:
    """The QR content of a badge printed before Ed25519 signing: [public id, version,
    last valid day] with an HMAC of SECRET_KEY (still read by `read_token`)."""
    return _serializer().dumps([public_id, version, last_day.toordinal()])


def _forged() -> BadgeTokenError:
    return BadgeTokenError("forged", _l("This is not a genuine badge of this event: the code is forged or damaged."))


def read_token(token: str, *, today: date, key_for: Callable[[str], bytes | None] | None = None) -> tuple[str, int]:
    """(public id, version) of a genuine, unexpired token; BadgeTokenError otherwise.
    `key_for(key id)` gives the public key of an Ed25519-signed token (None: unknown)."""
    text = token.strip()
    if signing.is_signed_token(text):
        parsed = signing.parse(text)
        public_key = key_for(parsed.key_id) if parsed is not None and key_for is not None else None
        if public_key is None or not signing.verify(public_key, parsed):
            raise _forged()
        if parsed.last_day < today:
            raise BadgeTokenError("expired", _l("This badge has expired."))
        return parsed.public_id, parsed.version
    try:
        payload = _serializer().loads(text)
    except BadSignature as exc:
        raise _forged() from exc
    if not (isinstance(payload, list) and len(payload) == 3 and isinstance(payload[0], str)
            and isinstance(payload[1], int) and isinstance(payload[2], int)):
        raise _forged()
    if date.fromordinal(payload[2]) < today:
        raise BadgeTokenError("expired", _l("This badge has expired."))
    return payload[0], payload[1]


def looks_like_token(text: str) -> bool:
    return "." in text and len(text) > 24


# --- Colours -----------------------------------------------------------------------

def category_colour(settings, category) -> str:
    """The colour band of a category: the one set for it, or one of the palette."""
    chosen = (settings.category_colours or {}).get(str(category.id)) if settings is not None else None
    if chosen and _COLOUR.match(chosen):
        return chosen
    return PALETTE[category.id % len(PALETTE)]


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour if _COLOUR.match(colour or "") else "#37474f"
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _text_on(colour: str) -> tuple[int, int, int]:
    r, g, b = _rgb(colour)
    return (0, 0, 0) if (0.299 * r + 0.587 * g + 0.114 * b) > 160 else (255, 255, 255)


# --- The PDF -----------------------------------------------------------------------

@dataclass
class BadgeFace:
    """Everything printed on one badge."""

    event_title: str
    event_dates: str
    event_colour: str
    name: str
    organisation: str
    country: str
    category: str
    category_colour: str
    token: str
    code: str
    photo: bytes | None = None  # the stored JPEG
    initials: str = ""          # shown instead of a missing photo
    category_second: str = ""   # the category in the event's second badge language


def font_dir() -> Path:
    return Path(current_app.config.get("BADGE_FONT_DIR") or DEFAULT_FONT_DIR)


@lru_cache(maxsize=1)
def _document_class() -> type:
    # fpdf is loaded only when a PDF is drawn: with its font, SVG and signing parts it
    # takes some 35 MB of every process that imports it, and most web requests never draw one.
    from fpdf import FPDF

    class Document(FPDF):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            fonts = font_dir()
            regular, bold = fonts / "DejaVuSans.ttf", fonts / "DejaVuSans-Bold.ttf"
            if not regular.exists() or not bold.exists():
                raise RuntimeError(f"DejaVu fonts not found in {fonts}: install fonts-dejavu-core")
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.set_auto_page_break(False)
            self.set_creator("Kurultai")

    return Document


def new_document(**kwargs) -> FPDF:
    """An FPDF with the Unicode DejaVu fonts (Cyrillic and Kazakh letters) loaded."""
    return _document_class()(**kwargs)


def draw_qr(pdf: FPDF, content: str, x: float, y: float, size: float) -> None:
    """A QR code as vector squares (sharp at any printer resolution); runs of dark
    modules in a row become one rectangle, which keeps pages small."""
    # A fixed mask: searching for the best of the eight costs more than the rest of the badge, and
    # any mask gives a valid code (bench/badges_bench.py; the scan test reads it back).
    import segno  # imported here: only badge printing draws QR codes

    qr = segno.make(content, error="m", micro=False, mask=4)
    matrix = qr.matrix
    n = len(matrix)
    module = size / n
    pdf.set_fill_color(0, 0, 0)
    for row, bits in enumerate(matrix):
        start = None
        for col in range(n + 1):
            dark = col < n and bits[col] & 1
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row * module, (col - start) * module, module, style="F")
                start = None


def print_photo(photo: bytes | None, pixels: tuple[int, int] = PHOTO_PIXELS, quality: int = 82) -> io.BytesIO | None:
    """The photo cropped to 3:4 and shrunk to `pixels` (print size unless told), as a
    small JPEG; None if unreadable."""
    if not photo:
        return None
    try:
        with Image.open(io.BytesIO(photo)) as image:
            image.draft("RGB", pixels)  # JPEG: decode at a fraction of the size, far faster
            if image.mode != "RGB":
                image = image.convert("RGB")
            w, h = image.size
            target = 3 / 4
            if w / h > target:
                new_w = int(h * target)
                image = image.crop(((w - new_w) // 2, 0, (w - new_w) // 2 + new_w, h))
            else:
                new_h = int(w / target)
                image = image.crop((0, (h - new_h) // 2, w, (h - new_h) // 2 + new_h))
            image = image.resize(pixels, Image.Resampling.BILINEAR, reducing_gap=2.0)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality)
            out.seek(0)
            return out
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _fit_font(pdf: FPDF, text: str, width: float, largest: float, smallest: float, style: str = "B") -> float:
    size = largest
    while size > smallest:
        pdf.set_font("DejaVu", style, size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    pdf.set_font("DejaVu", style, size)
    return size


def _draw_badge(pdf: FPDF, face: BadgeFace, w: float, h: float) -> None:
    pdf.add_page(format=(w, h))
    k = w / 105.0  # every measure scales with the card width
    margin = 5 * k
    inner = w - 2 * margin

    # Event band
    band = 17 * k
    pdf.set_fill_color(*_rgb(face.event_colour))
    pdf.rect(0, 0, w, band, style="F")
    pdf.set_text_color(*_text_on(face.event_colour))
    _fit_font(pdf, face.event_title, inner, 11 * k, 5 * k)
    pdf.set_xy(margin, 2.5 * k)
    pdf.cell(inner, 7 * k, face.event_title, align="C")
    pdf.set_font("DejaVu", "", 7.5 * k)
    pdf.set_xy(margin, 9.5 * k)
    pdf.cell(inner, 5 * k, face.event_dates, align="C")

    # Photo (left) and QR (right)
    top = band + 5 * k
    photo_w, photo_h = 36 * k, 48 * k
    picture = print_photo(face.photo)
    if picture is not None:
        pdf.image(picture, x=margin, y=top, w=photo_w, h=photo_h)
    else:
        pdf.set_fill_color(225, 228, 232)
        pdf.rect(margin, top, photo_w, photo_h, style="F")
        pdf.set_text_color(90, 96, 104)
        pdf.set_font("DejaVu", "B", 18 * k)
        pdf.set_xy(margin, top + photo_h / 2 - 6 * k)
        pdf.cell(photo_w, 12 * k, face.initials, align="C")
    qr_size = 40 * k
    qr_x = w - margin - qr_size
    draw_qr(pdf, face.token, qr_x, top, qr_size)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "B", 9 * k)
    pdf.set_xy(qr_x, top + qr_size + 1 * k)
    pdf.cell(qr_size, 5 * k, face.code, align="C")

    # Name, organisation, country
    y = top + photo_h + 6 * k
    pdf.set_text_color(0, 0, 0)
    size = _fit_font(pdf, face.name, inner, 17 * k, 9 * k)
    if pdf.get_string_width(face.name) > inner:
        pdf.set_xy(margin, y)
        pdf.multi_cell(inner, size * 0.45, face.name, align="C", max_line_height=size * 0.45)
        y = pdf.get_y() + 1 * k
    else:
        pdf.set_xy(margin, y)
        pdf.cell(inner, size * 0.5, face.name, align="C")
        y += size * 0.5 + 2 * k
    for text, largest in ((face.organisation, 10 * k), (face.country, 9 * k)):
        if not text:
            continue
        _fit_font(pdf, text, inner, largest, 5.5 * k, style="")
        pdf.set_text_color(55, 60, 66)
        pdf.set_xy(margin, y)
        pdf.cell(inner, largest * 0.5, text, align="C")
        y += largest * 0.5 + 1.5 * k

    # Category band: the category in the first badge language, and below it, smaller, in the second
    cat_h = 18 * k
    pdf.set_fill_color(*_rgb(face.category_colour))
    pdf.rect(0, h - cat_h, w, cat_h, style="F")
    pdf.set_text_color(*_text_on(face.category_colour))
    if face.category_second:
        _fit_font(pdf, face.category.upper(), inner, 11 * k, 5 * k)
        pdf.set_xy(margin, h - cat_h + 2 * k)
        pdf.cell(inner, 8 * k, face.category.upper(), align="C")
        _fit_font(pdf, face.category_second.upper(), inner, 8 * k, 4.5 * k, style="")
        pdf.set_xy(margin, h - cat_h + 10 * k)
        pdf.cell(inner, 6 * k, face.category_second.upper(), align="C")
    else:
        _fit_font(pdf, face.category.upper(), inner, 14 * k, 6 * k)
        pdf.set_xy(margin, h - cat_h + 4 * k)
        pdf.cell(inner, 10 * k, face.category.upper(), align="C")


def render_badges(faces: Iterable[BadgeFace], size: BadgeSize = BadgeSize.a6, *, title: str = "Badges") -> bytes:
    """One PDF page per badge, in the order given."""
    w, h = SIZES_MM[BadgeSize(size)]
    pdf = new_document(unit="mm", format=(w, h))
    pdf.set_title(title)
    count = 0
    for face in faces:
        _draw_badge(pdf, face, w, h)
        count += 1
    if count == 0:
        pdf.add_page()
    return bytes(pdf.output())
