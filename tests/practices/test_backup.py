"""`benchlearn backup create` and `restore` carry the practice cards' attachments: the files come back under
the new site's ATTACHMENT_DIR with the same content, the cards are found by full-text search again, and a
restore refuses an attachment folder that holds files."""
from __future__ import annotations

import hashlib

import pytest
from flask_migrate import upgrade

from survey.extensions import db
from tests.conftest import fresh_database_url, make_app

PDF = b"%PDF-1.4\n%%EOF\n"


class Site:
    def __init__(self, kind: str, tmp_path_factory):
        self.url, self._drop = fresh_database_url(kind, tmp_path_factory)
        self.reports = tmp_path_factory.mktemp("reports")
        self.attachments = tmp_path_factory.mktemp("attachments")
        self.app = make_app(self.url, REPORTS_DIR=str(self.reports), ATTACHMENT_DIR=str(self.attachments))

    def invoke(self, *args: str):
        with self.app.app_context():
            return self.app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)

    def files(self) -> dict[str, str]:
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in self.attachments.iterdir()}

    def found(self, text: str) -> list[tuple[str, list[str]]]:
        from survey.accounts.models import User
        from survey.practices.search import CardFilters, search_cards

        with self.app.app_context():
            reader = db.session.query(User).filter_by(email="syd@example.org").one()
            cards = search_cards(reader, CardFilters(text=text)).cards
            found = [(card.title, [a.filename for a in card.attachments]) for card in cards]
            db.session.remove()
            return found

    def drop(self) -> None:
        with self.app.app_context():
            db.engine.dispose()
        self._drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def source(request, tmp_path_factory):
    from survey.accounts.operations import add_user
    from survey.network.models import Network, School
    from survey.practices.attachments import add_attachment
    from survey.practices.operations import CardContent, create_card, publish

    site = Site(request.param, tmp_path_factory)
    with site.app.app_context():
        upgrade()
        network = Network(name="Netværket")
        nord = School(network=network, code="NORD", name="Nord", type="EUD", region="Syd")
        syd = School(network=network, code="SYD", name="Syd", type="EUD", region="Syd")
        db.session.add_all([network, nord, syd])
        db.session.flush()
        writer = add_user("nord@example.org", "correct horse battery", "school_staff", network, nord)
        add_user("syd@example.org", "correct horse battery", "school_staff", network, syd)
        card = create_card(writer, CardContent(title="Morgenlæsning", summary="Eleverne læser hver morgen"))
        publish(writer, card)
        add_attachment(writer, card, "plan.pdf", PDF)
        add_attachment(writer, card, "noter.txt", "Læsning løfter".encode())
        db.session.commit()
        db.session.remove()
    yield site
    site.drop()


def test_attachments_are_backed_up_and_restored(source, tmp_path_factory):
    archive = tmp_path_factory.mktemp("backup") / "benchlearn.tar"
    created = source.invoke("backup", "create", str(archive))
    assert created.exit_code == 0, created.output
    assert "2 attachments" in created.output
    target = Site("postgresql" if source.url.startswith("postgresql") else "sqlite", tmp_path_factory)
    try:
        restored = target.invoke("backup", "restore", str(archive))
        assert restored.exit_code == 0, restored.output
        assert "2 attachments" in restored.output
        assert target.files() == source.files() and len(target.files()) == 2
        assert target.found("eleverne") == source.found("eleverne") == [("Morgenlæsning", ["plan.pdf", "noter.txt"])]
    finally:
        target.drop()


def test_a_restore_refuses_an_attachment_folder_that_holds_files(source, tmp_path_factory):
    archive = tmp_path_factory.mktemp("backup") / "benchlearn.tar"
    assert source.invoke("backup", "create", str(archive)).exit_code == 0
    target = Site("postgresql" if source.url.startswith("postgresql") else "sqlite", tmp_path_factory)
    try:
        (target.attachments / "someone-elses").write_bytes(b"x")
        refused = target.invoke("backup", "restore", str(archive))
        assert refused.exit_code == 1
        assert f"the attachment folder {target.attachments} holds files" in refused.output
        assert [p.name for p in target.attachments.iterdir()] == ["someone-elses"]
    finally:
        target.drop()
