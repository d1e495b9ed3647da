"""The small photos an offline desk keeps where the event allows it: a tag per photo in
the roster (it changes when the photo does) and the photos themselves, downloaded in
batches after the roster."""
from __future__ import annotations

import base64
import hashlib

from sqlalchemy import select

from app.checkin.badges import print_photo
from app.checkin.models import Badge
from app.checkin.services.settings import settings_for
from app.extensions import db
from app.registration.models import Registration
from app.registration.photos import photo_bytes

PHOTO_BATCH = 100
DESK_PIXELS = (90, 120)   # 3:4, enough to tell a face on a phone's screen; about 3 to 4 KB


def photos_allowed(event) -> bool:
    """Whether the event lets its offline desks keep a photo of each delegate."""
    return bool(settings_for(event).desk_photos)


def photo_tag(filename: str | None) -> str:
    """What the roster says of a photo: empty when there is none, else a short tag that
    changes with the photo (a desk downloads the photo again when its tag changes)."""
    return hashlib.sha256(filename.encode("utf-8")).hexdigest()[:10] if filename else ""


def roster_photos(event, public_ids) -> list[dict]:
    """The desk-sized photos of at most PHOTO_BATCH badges of `event` (others and unknown
    ids are left out, as are people without a readable photo): [{id, tag, jpeg}], the
    JPEG in base64. Nothing when the event keeps photos off its desks."""
    wanted = list(dict.fromkeys(i for i in public_ids if isinstance(i, str) and 0 < len(i) <= 24))[:PHOTO_BATCH]
    if not wanted or not photos_allowed(event):
        return []
    rows = db.session.execute(select(Badge.public_id, Registration.photo_filename)
                              .join(Registration, Registration.id == Badge.registration_id)
                              .where(Badge.event_id == event.id, Badge.public_id.in_(wanted),
                                     Registration.photo_filename != "")).tuples()
    photos = []
    for public_id, filename in rows:
        picture = print_photo(photo_bytes(filename), DESK_PIXELS, quality=70)
        if picture is not None:
            photos.append({"id": public_id, "tag": photo_tag(filename),
                           "jpeg": base64.b64encode(picture.getvalue()).decode("ascii")})
    return photos
