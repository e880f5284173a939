"""Lead images: uploaded in the admin, checked by content, resized with Pillow, shown on pages (real files)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from articles import images
from articles.admin_forms import ALT_REQUIRED
from articles.importers import run_import
from articles.models import Article
from tests.admin.formdata import form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def picture(fmt: str = "JPEG", size=(2000, 1200), mode: str = "RGB", color=(180, 40, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(client, article, content: bytes, filename: str = "photo.jpg", **fields):
    """Post the article's change form as shown, with a file in the image field."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url).content.decode(), "article_form")
    data.update(fields)
    data["image"] = _named(content, filename)
    return client.post(url, data)


def _named(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    return {k: list(v) for k, v in response.context["adminform"].form.errors.items()}


def test_upload_is_resized_to_three_widths_and_shown_everywhere(superuser_client, client):
    article = make_article(title="وصول الوفود إلى أستانة", paragraphs=["نص الخبر."])
    response = upload(
        superuser_client,
        article,
        picture(),
        image_alt="وفود تصل إلى قاعة المؤتمر",
        image_caption="قاعة المؤتمر صباح الافتتاح",
        image_credit="واس",
    )
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert re.fullmatch(r"articles/[0-9a-f]{2}/[0-9a-f]{32}\.jpg", article.image.name)
    assert [(r["width"], r["height"]) for r in article.image_renditions] == [(480, 288), (960, 576), (1440, 864)]
    for rendition in article.image_renditions:
        with default_storage.open(rendition["name"]) as handle, Image.open(handle) as copy:
            assert (copy.format, copy.size) == ("WEBP", (rendition["width"], rendition["height"]))

    url = lambda r: default_storage.url(r["name"])  # noqa: E731
    r480, r960, r1440 = article.image_renditions
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'<img src="{url(r960)}" srcset="{url(r480)} 480w, {url(r960)} 960w, {url(r1440)} 1440w" '
        'sizes="(max-width: 48rem) 100vw, 46rem" width="960" height="576" alt="وفود تصل إلى قاعة المؤتمر">'
    ) in page
    assert '<figcaption>قاعة المؤتمر صباح الافتتاح — <span class="photo-credit">تصوير: واس</span></figcaption>' in page
    assert f'<meta property="og:image" content="http://testserver{url(r1440)}">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert ld["image"] == [f"http://testserver{url(r1440)}"]
    section = client.get(article.section.get_absolute_url()).content.decode()
    assert f'<img class="card-photo" src="{url(r960)}"' in section
    # Served by Django where nothing in front does (NEWSARCHIVE_SERVE_MEDIA, on outside production).
    media = client.get(url(r480))
    assert media.status_code == 200 and b"".join(media.streaming_content)[:4] == b"RIFF"


def test_small_and_transparent_images_are_not_enlarged(superuser_client):
    article = make_article()
    response = upload(
        superuser_client, article, picture("PNG", (300, 200), "RGBA", (0, 0, 0, 0)), "logo.png", image_alt="شعار"
    )
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.image.name.endswith(".png")
    assert [(r["width"], r["height"]) for r in article.image_renditions] == [(300, 200)]
    with default_storage.open(article.image_renditions[0]["name"]) as handle, Image.open(handle) as copy:
        assert copy.mode == "RGBA"


def test_phone_rotation_is_applied(superuser_client):
    article = make_article()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    response = upload(superuser_client, article, picture(size=(1600, 1000), exif=exif), image_alt="صورة")
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert [(r["width"], r["height"]) for r in article.image_renditions] == [(480, 768), (960, 1536), (1000, 1600)]


def test_type_is_read_from_the_content_not_the_name(superuser_client):
    article = make_article()
    # A PNG named .jpg is accepted (and stored as .png); text named .jpg is not.
    response = upload(superuser_client, article, picture("PNG", (600, 400)), "wrong-name.jpg", image_alt="صورة")
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.image.name.endswith(".png")
    other = make_article()
    response = upload(superuser_client, other, "هذا نص وليس صورة".encode(), "photo.jpg", image_alt="صورة")
    assert errors(response) == {"image": [images.NOT_AN_IMAGE]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (picture("GIF", (400, 300), "P"), "صيغة الصورة GIF غير مقبولة؛ تُقبل صور JPEG وPNG وWebP."),
        (picture("BMP", (400, 300)), "صيغة الصورة BMP غير مقبولة؛ تُقبل صور JPEG وPNG وWebP."),
        (picture()[:5000], images.BROKEN),  # a cut-off JPEG
    ],
)
def test_refused_uploads_say_why_and_keep_the_form(superuser_client, content, message):
    article = make_article(title="عنوان قديم")
    response = upload(superuser_client, article, content, "photo.jpg", title="عنوان جديد", image_alt="صورة")
    assert errors(response) == {"image": [message]}
    assert 'value="عنوان جديد"' in response.content.decode()  # the editor's other edits are still in the form
    article.refresh_from_db()
    assert (article.title, article.image.name, article.image_renditions) == ("عنوان قديم", "", [])


def test_decompression_bomb_is_refused_before_decoding(superuser_client):
    # 12,000 × 12,000 one-bit pixels: a few kB on disk, 144 megapixels once decoded.
    bomb = picture("PNG", (12_000, 12_000), "1", 0, optimize=True)
    assert len(bomb) < 100_000
    response = upload(superuser_client, make_article(), bomb, "bomb.png", image_alt="صورة")
    assert errors(response) == {
        "image": [
            "أبعاد الصورة 12000×12000 بكسل (144 ميغابكسل) أكبر من الحد الأقصى 40 ميغابكسل. صغّر أبعادها ثم ارفعها."
        ]
    }


def test_too_many_bytes(superuser_client, settings):
    settings.NEWSARCHIVE_IMAGE_MAX_BYTES = 50_000
    content = Image.effect_noise((800, 800), 100).convert("RGB")
    buffer = io.BytesIO()
    content.save(buffer, "JPEG", quality=100)
    size = len(buffer.getvalue())
    assert size > 50_000
    response = upload(superuser_client, make_article(), buffer.getvalue(), image_alt="صورة")
    expected = (
        f"حجم الملف {images._mb(size)} ميغابايت، والحد الأقصى 0.05 ميغابايت. صغّر الصورة أو احفظها بجودة أقل ثم ارفعها."
    )
    assert errors(response) == {"image": [expected]}


def test_alt_text_is_required_with_an_image(superuser_client):
    article = make_article()
    response = upload(superuser_client, article, picture(size=(600, 400)), image_alt="  ")
    assert errors(response) == {"image_alt": [ALT_REQUIRED]}
    # Once set, clearing the image needs no alt text; the files stay (revisions may name them).
    assert upload(superuser_client, article, picture(size=(600, 400)), image_alt="صورة").status_code == 302
    article.refresh_from_db()
    kept = article.image_renditions[0]["name"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(superuser_client.get(url).content.decode(), "article_form")
    data.update({"image-clear": "on", "image_alt": ""})
    assert superuser_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert (article.image.name, article.image_renditions) == ("", [])
    assert default_storage.exists(kept)


def test_imports_and_pages_without_images(client, seed_main):
    run_import([seed_main])
    article = Article.objects.get(title="زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن")
    assert (article.image.name, article.image_renditions) == ("", [])
    page = client.get(article.get_absolute_url()).content.decode()
    assert "og:image" not in page and "article-photo" not in page and '"image"' not in page
