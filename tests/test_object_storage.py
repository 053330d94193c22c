"""Uploads in an S3-compatible bucket (DJANGO_S3_BUCKET, cooperation/storage.py),
against moto's S3 server on a port of its own: logos and agreement documents
uploaded in the admin land in the bucket, not on the disk; the app serves
logos under /media/ and documents after its permission check, streamed from
the bucket, which itself answers nobody without its keys; an admin import's
file waits in the bucket between the steps."""

import io
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from moto.server import ThreadedMotoServer
from PIL import Image

from cooperation.models import AgreementDocument, Institution
from tests.factories import PDF_BYTES, make_agreement, make_institution, pdf_bytes
from tests.html_forms import form_fields, with_document
from tests.test_import import confirm, upload
from tests.test_production import fresh_process

pytestmark = pytest.mark.django_db

#: moto accepts any keys; the bucket refuses requests signed with none.
KEYS = {"access_key": "registry-test", "secret_key": "registry-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: object

    def keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_status(self, key: str) -> int:
        """The status of a request for ``key`` without keys, as a visitor
        who guessed the bucket's address would make it."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}") as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A new bucket, and the settings DJANGO_S3_BUCKET and the other
    DJANGO_S3_* variables give for it (settings.py)."""
    name = f"registry-{secrets.token_hex(4)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    options = {
        "bucket_name": name,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "signature_version": "s3v4",
        "addressing_style": "path",
        **KEYS,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "cooperation.s3storage.S3MediaStorage",
            "OPTIONS": options,
        },
        "documents": {
            "BACKEND": "cooperation.s3storage.S3DocumentStorage",
            "OPTIONS": options,
        },
        "import_export": {
            "BACKEND": "cooperation.s3storage.S3ImportStorage",
            "OPTIONS": options,
        },
    }
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
    return Bucket(s3_endpoint, name, client)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def nothing_on_disk(folder) -> bool:
    return not folder.exists() or not any(path.is_file() for path in folder.rglob("*"))


# Logos ------------------------------------------------------------------------


def test_a_logo_uploaded_in_the_admin_is_kept_in_the_bucket(
    client, superuser, bucket, settings
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:cooperation_institution_add"),
        {
            "name_en": "Shanghai Conservatory of Music",
            "kind": "university",
            "country": "CN",
            "slug": "",
            "logo": SimpleUploadedFile("conservatory.png", png_bytes()),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    institution = Institution.objects.get(name_en="Shanghai Conservatory of Music")
    key = f"media/{institution.logo.name}"
    assert institution.logo.name.startswith("logos/conservatory")
    assert bucket.keys() == {key}
    assert nothing_on_disk(settings.MEDIA_ROOT)
    # The bucket is private: only the app, with the keys, reads it.
    assert bucket.anonymous_status(key) == 403


def test_a_logo_in_the_bucket_is_served_by_the_app_at_its_public_address(
    client, bucket
):
    institution = make_institution(
        name="Shanghai Conservatory of Music",
        logo=ContentFile(png_bytes(), name="conservatory.png"),
    )
    url = institution.logo.url
    assert url == f"/media/{institution.logo.name}"

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert b"".join(response.streaming_content) == bucket.read(
        f"media/{institution.logo.name}"
    )


def test_a_missing_logo_or_a_path_out_of_the_media_folder_is_not_found(client, bucket):
    document = AgreementDocument.objects.create(
        agreement=make_agreement(),
        title="Staff-only scan",
        language="en",
        file=ContentFile(PDF_BYTES, name="scan.pdf"),
    )
    assert client.get("/media/logos/none.png").status_code == 404
    # The documents are in the same bucket, beside the media folder.
    assert client.get(f"/media/../documents/{document.file.name}").status_code == 404
    assert client.get("/media/logos/a\x00b.png").status_code == 404


# Documents --------------------------------------------------------------------


def add_document_in_the_admin(client, agreement, *, content: bytes, public: bool):
    """The agreement's change form, sent as it stands plus one document."""
    change = reverse("admin:cooperation_agreement_change", args=[agreement.pk])
    fields = form_fields(client.get(change).text, "agreement_form")
    data = with_document(
        fields,
        title="Signed memorandum",
        file=SimpleUploadedFile("memorandum.pdf", content),
        public=public,
    )
    response = client.post(change, data)
    assert response.status_code == 302, response.text
    return agreement.documents.get(title="Signed memorandum")


def downloaded(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def agreement(db):
    return make_agreement(
        title="Memorandum on nurturing musical talent",
        parties=[
            make_institution(name="Shanghai Conservatory of Music", country="CN"),
            make_institution(name="AP University of Applied Sciences and Arts"),
        ],
    )


def test_a_staff_only_document_from_the_admin_is_in_the_bucket_for_staff_only(
    client, superuser, bucket, agreement, settings
):
    content = pdf_bytes()
    client.force_login(superuser)
    document = add_document_in_the_admin(
        client, agreement, content=content, public=False
    )

    key = f"documents/{document.file.name}"
    assert document.file.name.startswith("agreements/")
    assert bucket.keys() == {key}
    assert bucket.read(key) == content
    assert bucket.anonymous_status(key) == 403
    assert nothing_on_disk(settings.DOCUMENT_ROOT)

    # Staff download it through the view, streamed from the bucket.
    by_pk = reverse("document-download", args=[document.pk])
    assert document.file.url == f"/documents/file/{document.file.name}"
    for url in (by_pk, document.file.url):
        response = client.get(url)
        assert response["Content-Length"] == str(len(content))
        assert response["Content-Disposition"].startswith("attachment;")
        assert downloaded(response) == content

    # Nobody else does.
    client.logout()
    assert client.get(by_pk).status_code == 404
    assert client.get(document.file.url).status_code == 404


def test_a_public_document_in_the_bucket_is_downloaded_by_anyone(
    client, superuser, bucket, agreement
):
    client.force_login(superuser)
    document = add_document_in_the_admin(
        client, agreement, content=PDF_BYTES, public=True
    )
    client.logout()

    page = client.get(agreement.get_absolute_url())
    by_pk = reverse("document-download", args=[document.pk])
    assert escape(by_pk) in page.text
    assert downloaded(client.get(by_pk)) == PDF_BYTES


def test_a_document_whose_file_is_gone_from_the_bucket_is_not_found(
    client, bucket, agreement
):
    document = AgreementDocument.objects.create(
        agreement=agreement,
        title="Signed text",
        language="en",
        public=True,
        file=ContentFile(PDF_BYTES, name="signed.pdf"),
    )
    bucket.client.delete_object(
        Bucket=bucket.name, Key=f"documents/{document.file.name}"
    )
    response = client.get(reverse("document-download", args=[document.pk]))
    assert response.status_code == 404


def test_a_file_name_taken_gets_another_instead_of_replacing_the_file(
    bucket, agreement
):
    first, second = (
        AgreementDocument.objects.create(
            agreement=agreement,
            title=title,
            language="en",
            file=ContentFile(content, name="signed.pdf"),
        )
        for title, content in (("Signed text", PDF_BYTES), ("Translation", b"%PDF-x"))
    )
    assert first.file.name != second.file.name
    assert bucket.read(f"documents/{first.file.name}") == PDF_BYTES
    assert bucket.read(f"documents/{second.file.name}") == b"%PDF-x"


# Imports ----------------------------------------------------------------------


def test_an_admin_import_file_waits_in_the_bucket_between_the_steps(
    client, editor, bucket
):
    """Each step may be served by another server: the file uploaded at the
    preview is read back at the confirmation from the bucket."""
    client.force_login(editor)
    listing = (
        b"name,country,city\n"
        b"Hainan Vocational University of Science and Technology,CN,Haikou\n"
    )
    preview = upload(client, Institution, "hainan.csv", listing, kind="university")
    assert "confirm_form" in preview.context
    (waiting,) = bucket.keys()
    assert waiting.startswith("imports/")
    assert bucket.read(waiting) == listing

    assert confirm(client, Institution, preview).status_code == 302
    assert Institution.objects.filter(city="Haikou").exists()
    assert bucket.keys() == set()


# Settings ---------------------------------------------------------------------


def test_the_bucket_comes_from_the_environment(s3_endpoint):
    """DJANGO_S3_* give every server the same bucket: a file one process
    saves, another reads."""
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name="us-east-1",
    ).create_bucket(Bucket="registry-settings")
    env = {
        "DJANGO_SECRET_KEY": "k",
        "DJANGO_S3_BUCKET": "registry-settings",
        "DJANGO_S3_ENDPOINT_URL": s3_endpoint,
        "DJANGO_S3_ACCESS_KEY_ID": KEYS["access_key"],
        "DJANGO_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "DJANGO_S3_REGION": "us-east-1",
    }
    save = fresh_process(
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage, storages\n"
        "documents = storages['documents']\n"
        "print(documents.save('agreements/a.pdf', ContentFile(b'%PDF-1')))\n"
        "print(default_storage.save('logos/a.png', ContentFile(b'png')))\n",
        **env,
    )
    assert save.returncode == 0, save.stderr
    assert save.stdout.split() == ["agreements/a.pdf", "logos/a.png"]
    read = fresh_process(
        "import django; django.setup()\n"
        "from cooperation.models import AgreementDocument\n"
        "from cooperation.storage import open_stream\n"
        "storage = AgreementDocument._meta.get_field('file').storage\n"
        "file, size = open_stream(storage, 'agreements/a.pdf')\n"
        "print(file.read(), size, storage.url('agreements/a.pdf'))\n",
        **env,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.split() == ["b'%PDF-1'", "6", "/documents/file/agreements/a.pdf"]


def test_a_key_without_its_secret_is_refused():
    result = fresh_process(
        "import cooperation.settings",
        DJANGO_SECRET_KEY="k",
        DJANGO_S3_BUCKET="registry",
        DJANGO_S3_ACCESS_KEY_ID="AKIA0000",
    )
    assert result.returncode != 0
    assert (
        "DJANGO_S3_ACCESS_KEY_ID and DJANGO_S3_SECRET_ACCESS_KEY go together"
        in result.stderr
    )


def test_without_a_bucket_uploads_stay_on_the_disk():
    result = fresh_process(
        "import cooperation.settings as s\n"
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['documents']['BACKEND'])",
        DJANGO_SECRET_KEY="k",
    )
    assert result.stdout.split() == [
        "django.core.files.storage.FileSystemStorage",
        "cooperation.storage.DocumentStorage",
    ]
