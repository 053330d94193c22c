"""Uploaded images (institution logos): limited in pixels, since a small
file can hold an image that needs gigabytes to decode, and stored
re-encoded, so that nothing but the picture is kept (no EXIF with a place
or a camera, no comments, no payload appended to the file)."""

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

#: Formats kept as they are, with their file extension; others become PNG.
KEPT_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
#: The modes each kept format can store; other modes are converted.
FORMAT_MODES = {
    "JPEG": ("L", "RGB"),
    "PNG": ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"),
    "WEBP": ("RGB", "RGBA"),
}
FORMAT_CONVERSIONS = {"JPEG": "RGB", "PNG": "RGBA", "WEBP": "RGBA"}


def validate_logo(file) -> None:
    """Refuse an image of more than settings.LOGO_MAX_PIXELS, or one that
    Pillow cannot open. Reads the image's header only, not its pixels."""
    name = os.path.basename(file.name or "")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _(
                "The logo “%(name)s” cannot be read as an image (%(reason)s). "
                "Upload it as a PNG, JPEG or WebP file."
            ),
            code="invalid_image",
            params={"name": name, "reason": str(error) or type(error).__name__},
        ) from error
    finally:
        file.seek(position)
    if width * height > settings.LOGO_MAX_PIXELS:
        raise ValidationError(
            _(
                "The logo “%(name)s” is %(width)s × %(height)s pixels (%(pixels)s "
                "in all); the limit is %(limit)s pixels. Scale it down (a logo of "
                "1,000 pixels across is plenty) and upload it again."
            ),
            code="image_too_large",
            params={
                "name": name,
                "width": width,
                "height": height,
                "pixels": number_format(width * height, force_grouping=True),
                "limit": number_format(settings.LOGO_MAX_PIXELS, force_grouping=True),
            },
        )


def reencoded_image(file) -> ContentFile:
    """The picture of ``file`` in a new file: turned upright as its EXIF
    said, without any metadata; JPEG, PNG and WebP keep their format, other
    formats become PNG (an animation keeps its first frame)."""
    file.seek(0)
    with Image.open(file) as original:
        image_format = original.format if original.format in KEPT_FORMATS else "PNG"
        image = ImageOps.exif_transpose(original)  # a copy, decoded
    if image.mode not in FORMAT_MODES[image_format]:
        image = image.convert(FORMAT_CONVERSIONS[image_format])
    # A transparent colour is part of the picture; the rest of ``info``
    # (EXIF, ICC profile, text, comments, XMP) is metadata.
    transparency = image.info.get("transparency")
    image.info = {}
    options = {}
    if image_format == "PNG" and transparency is not None:
        options["transparency"] = transparency
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    stem = os.path.splitext(os.path.basename(file.name or "logo"))[0] or "logo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{KEPT_FORMATS[image_format]}")
