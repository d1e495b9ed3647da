"""Photos sent by people: checked by content and re-encoded, in one place."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from app.utils.images import OUTPUT_SIZE, PhotoError, process_photo
from app.utils.refusals import Refusal


def _png(size=(2400, 1600)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 210, 220)).save(out, "PNG")
    out.seek(0)
    return out


def test_a_png_comes_back_as_a_jpeg_no_larger_than_the_output_size(app):
    jpeg = process_photo(_png())
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG"
        assert image.width <= OUTPUT_SIZE[0] and image.height <= OUTPUT_SIZE[1]


@pytest.mark.parametrize("data, message", [
    (b"", "The photo file is empty."),
    (b"%PDF-1.4 not a photo", "The photo must be a JPEG or PNG image."),
])
def test_what_is_not_a_photo_is_refused_with_a_reason(app, data, message):
    with pytest.raises(PhotoError) as refused:
        process_photo(io.BytesIO(data))
    assert isinstance(refused.value, Refusal)
    assert str(refused.value) == message
