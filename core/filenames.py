"""Names under which files are downloaded: safe to save and to open from disk.

A browser saves an attachment under the name we send and the desktop opens it by its
extension, so the extension must be that of the content we detected, not the one the
uploader (or a vendor's name) chose. Self-contained: it imports nothing of the project.
"""

import re
import unicodedata
from pathlib import PurePath

MAX_CHARS = 150
# Most file systems allow 255 bytes per name; leave room for a browser's " (1)".
MAX_BYTES = 240
FALLBACK_STEM = "file"
# Extensions that name the same content type as the canonical one.
EQUIVALENT_EXTENSIONS = {".jpg": (".jpg", ".jpeg"), ".pdf": (".pdf",), ".png": (".png",)}
_EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def clean_name(name: str) -> str:
    """A name without directory parts, control, format (bidirectional overrides,
    zero-width characters) or separator characters, nor leading or trailing dots."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(
        ch
        for ch in name
        if unicodedata.category(ch)[0] != "C" and unicodedata.category(ch) not in ("Zl", "Zp")
    )
    return name.strip(" .")


def _shorten(stem: str, extension: str) -> str:
    while stem and (
        len(stem) + len(extension) > MAX_CHARS
        or len((stem + extension).encode("utf-8")) > MAX_BYTES
    ):
        stem = stem[:-1]
    return stem.rstrip(" .")


def download_name(name: str, extension: str) -> str:
    """``name`` cleaned, ending in ``extension`` (".pdf", ".png", ".jpg") and short
    enough to save anywhere, the extension kept when it is shortened.

    A different extension the name already has is replaced ("evidence.html" becomes
    "evidence.pdf"); one that means the same content is kept ("scan.jpeg").
    """
    name = clean_name(name)
    accepted = EQUIVALENT_EXTENSIONS.get(extension, (extension,))
    match = _EXTENSION_RE.search(name)
    if match and match.group().lower() in accepted:
        stem, extension = name[: match.start()], match.group()
    elif match:
        stem = name[: match.start()]
    else:
        stem = name
    stem = _shorten(stem.rstrip(" ."), extension) or FALLBACK_STEM
    return stem + extension
