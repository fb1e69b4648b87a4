"""Attachments: taken only when the name and the content agree on an accepted kind and the size is within the
limit, each refusal saying why; kept outside the web root by a random name; downloaded only by those who may
read the card, as a download; gone with their card or on removal."""
import hashlib
import io
import zipfile

import pytest

from survey.practices.attachments import AttachmentError, add_attachment, kind_of
from tests.conftest import csrf_token_from
from tests.practices.test_pages import EN

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<doc/>")
    return buffer.getvalue()


def open_document(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def attachment_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path / "attachments"))
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 64 * 1024)
    return tmp_path / "attachments"


@pytest.mark.parametrize("name, data", [
    ("plan.pdf", PDF), ("foto.png", PNG), ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
    ("tekst.docx", office("word/")), ("ark.xlsx", office("xl/")), ("slides.pptx", office("ppt/")),
    ("tekst.odt", open_document("application/vnd.oasis.opendocument.text")),
    ("ark.ods", open_document("application/vnd.oasis.opendocument.spreadsheet")),
    ("slides.odp", open_document("application/vnd.oasis.opendocument.presentation")),
    ("noter.txt", "Læsning hver morgen\n".encode()), ("data.csv", "skole;antal\nNord;12\n".encode("cp1252")),
])
def test_accepted_kinds(name, data):
    assert kind_of(name, data)


@pytest.mark.parametrize("name, data, message", [
    ("virus.exe", b"MZ\x90\x00", "not taken"),
    ("side.html", b"<html><script>alert(1)</script></html>", "not taken"),
    ("falsk.pdf", b"<html><script>alert(1)</script></html>", "not a PDF file"),
    ("falsk.png", PDF, "not a PNG file"),
    ("falsk.docx", office("xl/"), "not a DOCX file"),
    ("falsk.odt", open_document("application/vnd.oasis.opendocument.spreadsheet"), "not a ODT file"),
    ("binær.txt", b"\x00\x01\x02ELF", "not a TXT file"),
    ("uden-endelse", PDF, "not taken"),
])
def test_refused_kinds_say_why(name, data, message):
    with pytest.raises(AttachmentError, match=message):
        kind_of(name, data)


def test_a_file_is_kept_by_a_random_name_with_its_digest(library, write_card, attachment_dir):
    card = write_card()
    attachment = add_attachment(library.staff, card, "../../etc/Plan for læsning.pdf", PDF)
    assert attachment.filename == "Plan for læsning.pdf" and attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.size == len(PDF)
    assert [p.name for p in attachment_dir.iterdir()] == [attachment.stored_name]
    assert len(attachment.stored_name) == 64 and "læsning" not in attachment.stored_name


def upload(client, card, name: str, data: bytes):
    page = client.get(f"/school/practices/{card.id}/edit", headers=EN)
    return client.post(f"/school/practices/{card.id}/attachments", headers=EN, content_type="multipart/form-data",
                       data={"csrf_token": csrf_token_from(page.text), "file": (io.BytesIO(data), name)})


def test_upload_download_and_removal_through_the_pages(library, write_card, as_user, attachment_dir, db_session):
    from survey.audit.models import AuditEntry

    card = write_card()
    writer = as_user(library.staff)
    sent = upload(writer, card, "plan.pdf", PDF)
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/school/practices/{card.id}/edit")
    assert "File attached." in writer.get(sent.headers["Location"], headers=EN).text
    db_session.expire_all()
    (attachment,) = card.attachments
    url = f"/school/practices/{card.id}/attachments/{attachment.id}"
    for client, address in ((writer, url), (as_user(library.other_staff), url),
                            (as_user(library.admin), url.replace("/school/", "/admin/"))):
        with client.get(address) as download:
            assert download.status_code == 200 and download.data == PDF
            assert download.headers["Content-Disposition"].startswith("attachment;")
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            assert download.mimetype == "application/pdf"
    assert db_session.query(AuditEntry).filter_by(action="attachment.download").count() == 3
    edit = writer.get(f"/school/practices/{card.id}/edit", headers=EN)
    assert "Remove plan.pdf" in edit.text
    removed = writer.post(f"{url}/delete", data={"csrf_token": csrf_token_from(edit.text)})
    assert removed.status_code == 302
    assert list(attachment_dir.iterdir()) == []  # the file went with the committed removal
    assert writer.get(url).status_code == 404


def test_downloads_are_authorised_per_card(library, write_card, as_user, db_session):
    draft = write_card(draft=True)
    foreign = write_card(library.foreign_staff)
    draft_file = add_attachment(library.staff, draft, "plan.pdf", PDF)
    foreign_file = add_attachment(library.foreign_staff, foreign, "plan.pdf", PDF)
    other_card = write_card()
    own = as_user(library.staff)
    with own.get(f"/school/practices/{draft.id}/attachments/{draft_file.id}") as download:
        assert download.status_code == 200
    assert as_user(library.other_staff).get(
        f"/school/practices/{draft.id}/attachments/{draft_file.id}").status_code == 404  # another school's draft
    assert as_user(library.admin).get(
        f"/admin/practices/{draft.id}/attachments/{draft_file.id}").status_code == 404  # drafts are the school's
    assert own.get(f"/school/practices/{foreign.id}/attachments/{foreign_file.id}").status_code == 404
    # an attachment reached through another card it does not belong to
    assert own.get(f"/school/practices/{other_card.id}/attachments/{foreign_file.id}").status_code == 404
    assert own.get(f"/school/practices/{other_card.id}/attachments/{draft_file.id}").status_code == 404


def test_refusals_say_why_and_lose_nothing(library, write_card, as_user, attachment_dir, db_session):
    card = write_card()
    add_attachment(library.staff, card, "plan.pdf", PDF)
    db_session.commit()
    writer = as_user(library.staff)
    for name, data, message in (
            ("stor.pdf", PDF + b"0" * 64 * 1024, "The file is larger than 64 kB, the largest attachment taken. "
                                                 "Nothing was changed."),
            ("enorm.pdf", PDF + b"0" * 300 * 1024, "The file is larger than 64 kB"),  # beyond any upload
            ("virus.exe", b"MZ\x90\x00", "Files of this kind are not taken. Accepted: csv, docx, jpg, odp, ods, "
                                         "odt, pdf, png, pptx, txt, xlsx."),
            ("falsk.pdf", b"<html></html>", "The file&#39;s content is not a PDF file.")):
        refused = upload(writer, card, name, data)
        assert refused.status_code == 302, name
        page = writer.get(refused.headers["Location"], headers=EN).text
        assert message in page, name
        assert "plan.pdf" in page  # the card and its other attachment are as they were
    db_session.expire_all()
    assert [a.filename for a in card.attachments] == ["plan.pdf"]
    assert len(list(attachment_dir.iterdir())) == 1  # a refused upload leaves no file


def test_only_the_cards_school_uploads_or_removes(library, write_card, as_user, db_session):
    card = write_card()
    attachment = add_attachment(library.staff, card, "plan.pdf", PDF)
    other = as_user(library.other_staff)
    token = csrf_token_from(other.get("/school/practices").text)
    assert other.post(f"/school/practices/{card.id}/attachments", content_type="multipart/form-data",
                      data={"csrf_token": token, "file": (io.BytesIO(PDF), "x.pdf")}).status_code == 404
    assert other.post(f"/school/practices/{card.id}/attachments/{attachment.id}/delete",
                      data={"csrf_token": token}).status_code == 404
    with pytest.raises(AttachmentError):
        add_attachment(library.other_staff, card, "x.pdf", PDF)


def test_deleting_a_draft_removes_its_files_once_committed(library, write_card, attachment_dir, db_session):
    from survey.practices.operations import delete_card

    card = write_card(draft=True)
    add_attachment(library.staff, card, "plan.pdf", PDF)
    db_session.commit()
    delete_card(library.staff, card)
    assert len(list(attachment_dir.iterdir())) == 1  # not before the commit
    db_session.commit()
    assert list(attachment_dir.iterdir()) == []


def test_a_rolled_back_upload_leaves_no_file(library, write_card, attachment_dir, db_session):
    card = write_card()
    db_session.commit()
    add_attachment(library.staff, card, "plan.pdf", PDF)
    assert len(list(attachment_dir.iterdir())) == 1
    db_session.rollback()
    assert list(attachment_dir.iterdir()) == []


def test_nginx_takes_an_attachment_as_large_as_the_app_does():
    import re

    from survey.config import PROJECT_ROOT, Config

    site = (PROJECT_ROOT / "deploy" / "nginx" / "benchlearn.conf").read_text(encoding="utf-8")
    block = re.search(r"location ~ \^/school/practices/\[0-9\]\+/attachments\$ \{(.*?)\}", site, re.S).group(1)
    size = re.search(r"client_max_body_size (\d+)m;", block)
    assert int(size.group(1)) * 1024 * 1024 > Config().ATTACHMENT_MAX_BYTES
