"""Uploaded files (certificates, contracts, evidence): checked by content, stored
under random names in private storage, served only by views that check access."""

import hashlib
import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image

from core.filenames import clean_name, download_name

# Content signatures; the extension the user gave plays no part.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
MAX_IMAGE_PIXELS = 40_000_000  # ~ a 7,000 × 6,000 scan; more is a decompression bomb


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def clean_filename(name: str) -> str:
    """The user's file name without any directory part, control or bidirectional
    characters, shortened to 200 characters with its extension kept."""
    name = clean_name(name)
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: 199 - len(extension)].rstrip(" .") + "." + extension
        else:
            name = name[:200]
    return name or "file"


def served_name(stored) -> str:
    """The name a stored file is downloaded under: the uploader's, ending in the
    extension of the content we detected, so that it opens as what it is."""
    extension = next((ext for _, kind, ext in SIGNATURES if kind == stored.content_type), ".bin")
    return download_name(stored.original_name, extension)


def _check_image(upload) -> None:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image is too large in pixels to be processed safely."), code="image_bomb"
        ) from None
    except Exception:
        raise ValidationError(
            _("This image file is damaged or is not really a PNG or JPEG."), code="image_broken"
        ) from None
    finally:
        upload.seek(0)


def validate_upload(upload) -> tuple[str, str]:
    """Return (content type, extension) of an acceptable upload, or raise ValidationError."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        # In bytes: rounded to megabytes, one byte over read "10.0 MB; at most 10.0 MB".
        raise ValidationError(
            _("The file is %(size)s bytes; the largest accepted is %(limit)s bytes (%(readable)s).")
            % {
                "size": number_format(upload.size, force_grouping=True),
                "limit": number_format(settings.UPLOAD_MAX_BYTES, force_grouping=True),
                "readable": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="file_too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("Only PDF, PNG and JPEG files are accepted; this file's content is none of them."),
            code="file_type",
        )
    if kind[0] != "application/pdf":
        _check_image(upload)
    return kind


def store_upload(upload, *, folder: str, user=None):
    """Save a validated upload under a random name and return its StoredFile record."""
    from .models import StoredFile

    content_type, extension = validate_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = f"{folder}/{secrets.token_hex(16)}{extension}"
    storage_name = default_storage.save(name, upload)
    return StoredFile.objects.create(
        storage_name=storage_name,
        original_name=clean_filename(upload.name),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user if user and user.is_authenticated else None,
    )


def file_response(stored) -> FileResponse:
    """Send a stored file as a download under its original (possibly Japanese) name."""
    handle = default_storage.open(stored.storage_name, "rb")
    response = FileResponse(
        handle, as_attachment=True, filename=served_name(stored), content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
