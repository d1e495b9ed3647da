"""Speaker files: slides and profile photos, checked by content and kept in the
storage every machine sees (app/utils/storage.py) under generated names: the keys
speakers/slides/<name> and speakers/photos/<name>, UPLOAD_DIR/speakers/... with the
local backend, as always.

Slides are PDF, PPTX or ODP, recognised from their bytes whatever the file is
called. PPTX and ODP are zip archives; they are never unpacked here, but their
directory is read and refused when it looks like a zip bomb (too many members,
too much declared data, or compression no real presentation reaches), so an
organiser opening the file is not hit either.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext, lazy_gettext as _l

from app.utils import storage
from app.utils.refusals import Refusal

DEFAULT_SLIDES_MAX_BYTES = 50 * 1024 * 1024
# Limits of the unpacked archive. A large deck with video reaches a few hundred MB
# uncompressed; a bomb reaches gigabytes from a few kilobytes.
MAX_UNCOMPRESSED = 500 * 1024 * 1024
MAX_MEMBERS = 5000
MAX_RATIO = 100          # uncompressed / compressed, whole archive
MAX_MEMBER_RATIO = 1000  # one very compressible XML part is normal; a thousandfold is not
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
CHUNK = 64 * 1024

MIMETYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
SLIDES = "speakers/slides/"
PHOTOS = "speakers/photos/"
_STORED = re.compile(r"^[0-9a-f]{32}\.(pdf|pptx|odp|jpg)$")
_UNSAFE = re.compile(r"[^\w .()\-]+", re.UNICODE)


class UploadError(Refusal):
    """A file refused, with a message for the person who sent it."""


@dataclass
class CheckedSlides:
    kind: str
    size: int
    sha256: str
    temp_path: Path


def slides_max_bytes() -> int:
    return int(current_app.config.get("SLIDES_MAX_BYTES") or DEFAULT_SLIDES_MAX_BYTES)


def readable_size(n: int) -> str:
    if n >= 1024 * 1024:
        return gettext("%(size)d MB", size=round(n / (1024 * 1024)))
    return gettext("%(size)d KB", size=max(1, n // 1024))


def scratch_dir() -> Path:
    """Where an upload waits on this machine while it is checked (never shared)."""
    directory = Path(current_app.config["UPLOAD_DIR"]) / "speakers" / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def clean_filename(name: str | None, kind: str) -> str:
    """A harmless display name for a download: no directories, no control or odd
    characters, the extension of what the file really is."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:100]
    return f"{stem or 'slides'}.{kind}"


def _copy_limited(stream, target: Path, limit: int) -> tuple[int, str, bytes]:
    """Copy the upload to `target`, stopping as soon as it passes `limit` bytes."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    with target.open("wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UploadError(_l("The file is too large: at most %(size)s.", size=readable_size(limit)))
            if len(head) < 8:
                head = (head + chunk)[:8]
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest(), head


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UploadError(_l("The presentation holds too many files to be safe to open."))
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members)
            if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(packed, 1):
                raise UploadError(_l("The presentation unpacks to far more data than it holds: it is refused "
                                     "as unsafe."))
            for m in members:
                if m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024:
                    raise UploadError(_l("The presentation unpacks to far more data than it holds: it is refused "
                                         "as unsafe."))
            names = {m.filename for m in members}
            if "[Content_Types].xml" in names and any(n.startswith("ppt/") for n in names):
                return "pptx"
            first = members[0] if members else None
            if first is not None and first.filename == "mimetype" and first.file_size <= 100:
                with archive.open(first) as handle:
                    if handle.read(101).strip() == ODP_MIMETYPE:
                        return "odp"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError,
            RuntimeError) as exc:  # an UploadError raised above is not among these: it passes through
        raise UploadError(_l("The file is damaged: it could not be read as a presentation.")) from exc
    raise UploadError(_l("Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation."))


def check_slides(stream) -> CheckedSlides:
    """Read an uploaded file into a temporary file and say what it is.

    Raises UploadError (too large, empty, not a PDF/PPTX/ODP, unsafe archive);
    the temporary file is removed then. The caller stores or discards it.
    """
    temp = scratch_dir() / f"{secrets.token_hex(16)}.part"
    try:
        size, digest, head = _copy_limited(stream, temp, slides_max_bytes())
        if size == 0:
            raise UploadError(_l("The file is empty."))
        if head.startswith(b"%PDF-"):
            kind = "pdf"
        elif head.startswith(b"PK\x03\x04"):
            kind = _zip_kind(temp)
        else:
            raise UploadError(_l("Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation."))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return CheckedSlides(kind=kind, size=size, sha256=digest, temp_path=temp)


def store_slides(checked: CheckedSlides) -> str:
    """Keep a checked upload under its final, generated name and return that name."""
    name = f"{secrets.token_hex(16)}.{checked.kind}"
    try:
        with checked.temp_path.open("rb") as handle:
            storage.current().save(SLIDES + name, handle)
    finally:
        checked.temp_path.unlink(missing_ok=True)
    return name


def discard(checked: CheckedSlides | None) -> None:
    if checked is not None:
        checked.temp_path.unlink(missing_ok=True)


def slides_key(name: str | None) -> str | None:
    """The storage key for one of our generated names; None for anything else."""
    if not name or not _STORED.match(name) or name.endswith(".jpg"):
        return None
    return SLIDES + name


def delete_slides(name: str) -> None:
    key = slides_key(name)
    if key is not None:
        storage.current().delete(key)


def save_photo(jpeg: bytes) -> str:
    name = f"{secrets.token_hex(16)}.jpg"
    storage.current().save(PHOTOS + name, jpeg)
    return name


def photo_key(name: str | None) -> str | None:
    if not name or not _STORED.match(name) or not name.endswith(".jpg"):
        return None
    return PHOTOS + name


def delete_photo(name: str) -> None:
    key = photo_key(name)
    if key is not None:
        storage.current().delete(key)
