"""Lead images: checked at upload by their content (Pillow), stored through Django's storage, resized.

An upload is refused, with a message an editor can act on, when it is larger than
``NEWSARCHIVE_IMAGE_MAX_BYTES``, when Pillow cannot read it or reads a format other than JPEG, PNG
or WebP (the extension is never trusted), or when its pixel count exceeds
``NEWSARCHIVE_IMAGE_MAX_PIXELS`` (checked from the header, before any pixel is decoded: a small
file can declare an enormous image). Accepted images are stored under a random name with the
extension of their real format, and resized once into WebP copies of ``WIDTHS`` (never wider than
the original) that pages use in ``srcset``; the original is kept but not shown.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1440)
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
WEBP_QUALITY = 82
DIRECTORY = "articles"

NOT_AN_IMAGE = "الملف المرفوع ليس صورة يمكن قراءتها. تُقبل صور JPEG وPNG وWebP (يُفحص محتوى الملف لا امتداده)."
BROKEN = "تعذّرت قراءة الصورة كاملة: الملف ناقص أو تالف. احفظها من جديد ثم ارفعها."


def max_bytes() -> int:
    return settings.NEWSARCHIVE_IMAGE_MAX_BYTES


def max_pixels() -> int:
    return settings.NEWSARCHIVE_IMAGE_MAX_PIXELS


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.2f}".rstrip("0").rstrip(".")


def upload_to(instance, filename: str) -> str:
    """``articles/<2 hex>/<uuid>.<ext>``: the form already named the file after its real format."""
    return f"{DIRECTORY}/{filename[:2]}/{filename}"


def check(upload) -> str:
    """Validate an uploaded file as a lead image; the file's new name (random, real extension)."""
    if upload.size > max_bytes():
        raise ValidationError(
            f"حجم الملف {_mb(upload.size)} ميغابايت، والحد الأقصى {_mb(max_bytes())} ميغابايت. "
            "صغّر الصورة أو احفظها بجودة أقل ثم ارفعها.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; ours is checked right after, from the header.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind, (width, height) = image.format, image.size
                if kind not in FORMATS:
                    raise ValidationError(f"صيغة الصورة {kind} غير مقبولة؛ تُقبل صور JPEG وPNG وWebP.", code="format")
                if width * height > max_pixels():
                    raise ValidationError(
                        f"أبعاد الصورة {width}×{height} بكسل ({_mb(width * height)} ميغابكسل) أكبر من الحد "
                        f"الأقصى {_mb(max_pixels())} ميغابكسل. صغّر أبعادها ثم ارفعها.",
                        code="too_many_pixels",
                    )
                try:
                    image.load()  # a truncated or corrupt file fails here, not when the copies are made
                except (OSError, ValueError, SyntaxError) as exc:
                    raise ValidationError(BROKEN, code="broken") from exc
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            f"أبعاد الصورة أكبر من الحد الأقصى {_mb(max_pixels())} ميغابكسل. صغّر أبعادها ثم ارفعها.",
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from exc
    finally:
        upload.seek(0)
    return f"{uuid.uuid4().hex}.{FORMATS[kind]}"


def make_renditions(name: str, storage: Storage) -> list[dict]:
    """Resize the stored image ``name`` into WebP copies; their names and sizes, narrowest first."""
    with storage.open(name) as handle, Image.open(handle) as original:
        image = ImageOps.exif_transpose(original)  # phones store the rotation apart from the pixels
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB")
        stem = name.rsplit(".", 1)[0]
        widths = sorted({w for w in WIDTHS if w < image.width} | {min(image.width, WIDTHS[-1])})
        out = []
        for width in widths:
            height = max(1, round(image.height * width / image.width))
            copy = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            copy.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
            saved = storage.save(f"{stem}-{width}.webp", ContentFile(buffer.getvalue()))
            out.append({"name": saved, "width": width, "height": height})
        return out


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA") or "transparency" in image.info


@dataclass
class LeadImage:
    """What a template needs to show an article's photo."""

    src: str
    srcset: str
    width: int
    height: int
    largest: str
    alt: str
    caption: str
    credit: str


def lead_image(article, storage: Storage | None = None) -> LeadImage | None:
    renditions = getattr(article, "image_renditions", None) or []
    if not article.image or not renditions:
        return None
    storage = storage or article.image.storage
    urls = [(storage.url(r["name"]), r) for r in renditions]
    # The 960 copy (or the widest below it) as src: sharp on most screens, for browsers without srcset.
    src, default = next(((u, r) for u, r in reversed(urls) if r["width"] <= 960), urls[0])
    return LeadImage(
        src=src,
        srcset=", ".join(f"{u} {r['width']}w" for u, r in urls),
        width=default["width"],
        height=default["height"],
        largest=urls[-1][0],
        alt=article.image_alt,
        caption=article.image_caption,
        credit=article.image_credit,
    )
