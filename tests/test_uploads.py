"""Uploads that are what they claim: agreement documents are PDFs that
pypdf parses, without JavaScript or launch actions, and are served as
downloads; logos are limited in pixels and stored re-encoded, without
their metadata."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from cooperation.models import AgreementDocument, Institution
from tests.factories import PDF_BYTES, make_agreement, pdf_bytes

pytestmark = pytest.mark.django_db


# Documents ---------------------------------------------------------------------


def document_errors(content: bytes, name: str = "agreement.pdf") -> list[str]:
    document = AgreementDocument(
        agreement=make_agreement(),
        title="Signed text",
        language="en",
        file=SimpleUploadedFile(name, content),
    )
    with pytest.raises(ValidationError) as raised:
        document.full_clean()
    return raised.value.message_dict["file"]


def accepted(content: bytes) -> None:
    AgreementDocument(
        agreement=make_agreement(),
        title="Signed text",
        language="en",
        file=SimpleUploadedFile("agreement.pdf", content),
    ).full_clean()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject(kind),
            **{NameObject(f"/{key}"): value for key, value in entries.items()},
        }
    )


def javascript() -> DictionaryObject:
    return action("/JavaScript", JS=TextStringObject("app.alert('hello')"))


def pdf_with(catalog: dict | None = None, page: dict | None = None) -> bytes:
    """A one-page PDF with these entries added to its catalog and page."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for key, value in (catalog or {}).items():
        writer.root_object[NameObject(key)] = writer._add_object(value)
    for key, value in (page or {}).items():
        writer.pages[0][NameObject(key)] = value
    return pdf_bytes(writer)


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>%PDF-1.7 a page, not a document</body></html>",
        b"MZ\x90\x00\x03\x00\x00\x00%PDF-1.4 a program carrying the header",
        b"\n" + PDF_BYTES,  # a real PDF after something else
    ],
)
def test_a_file_that_does_not_start_as_a_pdf_is_refused(content):
    assert document_errors(content) == [
        "This file is not a PDF. Upload the document as a PDF file."
    ]


def test_a_file_that_does_not_parse_is_refused_with_the_reason():
    (error,) = document_errors(b"%PDF-1.7\nno objects, no trailer\n", "scan.pdf")
    # The reason in pypdf's words, e.g. "(Stream has ended unexpectedly)".
    assert re.fullmatch(
        r"The file “scan\.pdf” starts like a PDF but cannot be read as one "
        r"\([^)]+\)\. Export or print the document to PDF again and upload the "
        r"new file\.",
        error,
    )


def test_a_plain_pdf_is_accepted():
    accepted(PDF_BYTES)


def test_an_open_action_that_shows_a_page_is_accepted():
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer.root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/Fit")]
    )
    accepted(pdf_bytes(writer))


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            pdf_with(
                catalog={
                    "/Names": DictionaryObject(
                        {
                            NameObject("/JavaScript"): DictionaryObject(
                                {
                                    NameObject("/Names"): ArrayObject(
                                        [TextStringObject("init"), javascript()]
                                    )
                                }
                            )
                        }
                    )
                }
            ),
            "JavaScript (/JavaScript)",
        ),
        (pdf_with(catalog={"/OpenAction": javascript()}), "JavaScript (/JavaScript)"),
        (
            pdf_with(
                catalog={
                    "/OpenAction": DictionaryObject(
                        {NameObject("/JS"): TextStringObject("app.alert(1)")}
                    )
                }
            ),
            "JavaScript (/JS)",
        ),
        (
            pdf_with(page={"/AA": DictionaryObject({NameObject("/O"): javascript()})}),
            "actions that run by themselves (/AA)",
        ),
        (
            pdf_with(
                catalog={"/OpenAction": action("/Launch", F=TextStringObject("calc"))}
            ),
            "an action that starts a program (/Launch)",
        ),
    ],
)
def test_a_pdf_that_runs_something_is_refused(content, said):
    assert document_errors(content, "mou.pdf") == [
        f"The file “mou.pdf” contains {said}, which a PDF viewer could run when "
        "the document is opened, so it is not accepted. Export or print the "
        "document again as a plain PDF, without scripts or actions, and upload "
        "that."
    ]


def test_a_pdf_that_needs_a_password_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret", algorithm="RC4-128")
    (error,) = document_errors(pdf_bytes(writer), "locked.pdf")
    assert error.startswith("The file “locked.pdf” is encrypted or protected")
    assert "Save or print it again as a PDF without a password" in error


def test_a_pdf_protected_only_against_changes_is_checked_and_accepted():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("", "owner", algorithm="RC4-128")  # opens without a password
    accepted(pdf_bytes(writer))


def test_a_document_is_served_as_a_download(client):
    document = AgreementDocument.objects.create(
        agreement=make_agreement(),
        title="Signed text",
        language="en",
        public=True,
        file=ContentFile(PDF_BYTES, name="signed.pdf"),
    )
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


# Logos ---------------------------------------------------------------------------


def image_bytes(size, image_format: str = "PNG", mode: str = "RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(
        buffer, format=image_format, **options
    )
    return buffer.getvalue()


def add_institution(client, superuser, logo: SimpleUploadedFile):
    client.force_login(superuser)
    return client.post(
        reverse("admin:cooperation_institution_add"),
        {
            "name_en": "Hainan Vocational University of Science and Technology",
            "kind": "university",
            "country": "CN",
            "slug": "",
            "logo": logo,
        },
    )


# Pillow warns of a possible decompression bomb above 89 megapixels; the
# registry refuses far below that.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_logo_of_too_many_pixels_is_refused(client, superuser):
    content = image_bytes((12_000, 12_000), mode="1")  # 144 megapixels
    assert len(content) < 100_000
    response = add_institution(
        client, superuser, SimpleUploadedFile("huge.png", content)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [
        "The logo “huge.png” is 12000 × 12000 pixels (144,000,000 in all); the "
        "limit is 16,000,000 pixels. Scale it down (a logo of 1,000 pixels "
        "across is plenty) and upload it again."
    ]
    assert not Institution.objects.exists()


def test_the_pixel_limit_is_a_setting(client, superuser, settings):
    settings.LOGO_MAX_PIXELS = 200 * 200
    response = add_institution(
        client,
        superuser,
        SimpleUploadedFile("logo.png", image_bytes((201, 200))),
    )
    (error,) = response.context["adminform"].form.errors["logo"]
    assert "201 × 200 pixels (40,200 in all); the limit is 40,000 pixels." in error
    response = add_institution(
        client,
        superuser,
        SimpleUploadedFile("logo.png", image_bytes((200, 200))),
    )
    assert response.status_code == 302


def test_a_jpeg_logo_is_stored_without_its_metadata(client, superuser):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0112] = 6  # Orientation: turned 90° clockwise
    content = image_bytes(
        (40, 20), "JPEG", exif=exif.tobytes(), comment=b"taken at home"
    )
    payload = content + b"<script>appended</script>"
    response = add_institution(
        client, superuser, SimpleUploadedFile("logo.jpeg", payload)
    )
    assert response.status_code == 302
    logo = Institution.objects.get().logo
    assert logo.name.startswith("logos/logo") and logo.name.endswith(".jpg")
    with logo.open("rb") as stored:
        data = stored.read()
    assert b"Camera maker" not in data and b"taken at home" not in data
    assert b"appended" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (20, 40)  # turned upright as the EXIF said
        assert not image.getexif()


def test_a_png_logo_keeps_its_transparency_and_loses_its_text(client, superuser):
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "someone@example.org")
    image = Image.new("P", (10, 10), 0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=0, pnginfo=text)
    response = add_institution(
        client, superuser, SimpleUploadedFile("logo.png", buffer.getvalue())
    )
    assert response.status_code == 302
    with Institution.objects.get().logo.open("rb") as stored:
        data = stored.read()
    assert b"someone@example.org" not in data
    with Image.open(io.BytesIO(data)) as stored_image:
        assert stored_image.info.get("transparency") == 0
        assert "Author" not in stored_image.info


def test_a_logo_in_another_format_is_stored_as_png(client, superuser):
    response = add_institution(
        client, superuser, SimpleUploadedFile("logo.bmp", image_bytes((8, 8), "BMP"))
    )
    assert response.status_code == 302
    logo = Institution.objects.get().logo
    assert logo.name.endswith(".png")
    with logo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"


def test_a_logo_kept_unchanged_is_not_encoded_again(client, superuser):
    response = add_institution(
        client, superuser, SimpleUploadedFile("logo.png", image_bytes((8, 8)))
    )
    assert response.status_code == 302
    institution = Institution.objects.get()
    name = institution.logo.name
    institution.city = "Haikou"
    institution.save()
    assert Institution.objects.get().logo.name == name
