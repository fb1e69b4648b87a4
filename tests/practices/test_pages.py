"""The library's pages as its readers use them: writing, publishing, finding and reading a card; who reaches
which card (404 otherwise); the history; featuring by an admin."""
import re

from tests.conftest import csrf_token_from

EN = {"Accept-Language": "en"}


def card_form(**fields):
    data = {"title": "Morgenlæsning", "summary": "Eleverne læser hver morgen", "what": "Et kvarter hver dag",
            "why": "Læsning løfter", "participants": ["teachers", "students"], "participants_note": "",
            "started_month": "8", "started_year": "2025", "contact_name": "Mette", "contact_role": "Lærer",
            "contact_email": "mette@nord.dk", "language": "da", "dimensions": ["student/teaching"],
            "programs": ["EL"], "school_types": ["EUD"]}
    data.update(fields)
    return data


def test_a_school_writes_publishes_and_another_school_finds_the_card(library, as_user):
    writer = as_user(library.staff)
    new = writer.get("/school/practices/new", headers=EN)
    assert new.status_code == 200 and "Who takes part" in new.text
    saved = writer.post("/school/practices/new", headers=EN,
                        data=card_form(csrf_token=csrf_token_from(new.text)))
    assert saved.status_code == 302, saved.text
    card_url = saved.headers["Location"].removesuffix("/edit")
    card_page = writer.get(card_url, headers=EN).text
    assert "Draft" in card_page and "Publishing shows this card, its contact" in card_page
    reader = as_user(library.other_staff)
    assert reader.get(card_url).status_code == 404
    published = writer.post(f"{card_url}/publish", data={"csrf_token": csrf_token_from(card_page)})
    assert published.status_code == 302
    found = reader.get("/school/practices", query_string={"q": "læser"}, headers=EN).text
    assert "Morgenlæsning" in found and "1 card found." in found
    page = reader.get(card_url, headers=EN).text
    assert "a school in the network" in page and "Nordskolen" not in page
    assert "mette@nord.dk" in page and "August 2025" in page and "Teachers, Students" in page
    assert reader.get(f"{card_url}/edit").status_code == 404
    assert reader.post(f"{card_url}/unpublish", data={"csrf_token": csrf_token_from(page)}).status_code == 404


def test_school_names_shown_where_the_network_shares_them(library, as_user, write_card):
    card = write_card()
    library.network.share_school_names = True
    assert "Nordskolen" in as_user(library.other_staff).get(f"/school/practices/{card.id}", headers=EN).text


def test_who_reaches_which_card(library, as_user, write_card):
    draft, published = write_card(draft=True), write_card()
    foreign = write_card(library.foreign_staff)
    own, other, admin = as_user(library.staff), as_user(library.other_staff), as_user(library.admin)
    assert own.get(f"/school/practices/{draft.id}").status_code == 200
    assert other.get(f"/school/practices/{draft.id}").status_code == 404
    assert admin.get(f"/admin/practices/{draft.id}").status_code == 404
    assert admin.get(f"/admin/practices/{published.id}").status_code == 200
    for client, prefix in ((own, "/school"), (admin, "/admin")):
        assert client.get(f"{prefix}/practices/{foreign.id}").status_code == 404
        assert client.get(f"{prefix}/practices/{foreign.id}/history").status_code == 404
    listing = admin.get("/admin/practices", headers=EN).text
    assert f"/admin/practices/{published.id}\"" in listing and f"/admin/practices/{draft.id}\"" not in listing


def test_the_history_names_who_changed_which_field(library, as_user, write_card):
    card = write_card()
    writer = as_user(library.staff)
    edit = writer.get(f"/school/practices/{card.id}/edit", headers=EN)
    saved = writer.post(f"/school/practices/{card.id}/edit", headers=EN,
                        data=card_form(title="Morgenlæsning i alle klasser", csrf_token=csrf_token_from(edit.text)))
    assert saved.status_code == 302, saved.text
    history = writer.get(f"/school/practices/{card.id}/history", headers=EN).text
    rows = re.findall(r"<tr>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", history, re.S)
    assert rows[0][:2] == ("nord@example.org", "edited") and "Title" in rows[0][2] and "Contact e-mail" in rows[0][2]
    assert [row[1] for row in rows] == ["edited", "published", "created"]


def test_an_admin_features_a_card_and_it_comes_first(library, as_user, write_card):
    first, second = write_card(title="Første"), write_card(title="Anden")
    admin = as_user(library.admin)
    page = admin.get(f"/admin/practices/{first.id}", headers=EN)
    assert admin.post(f"/admin/practices/{first.id}/feature",
                      data={"csrf_token": csrf_token_from(page.text)}).status_code == 302
    listing = as_user(library.other_staff).get("/school/practices", headers=EN).text
    assert listing.index("Første") < listing.index("Anden") and "Featured" in listing
    assert second.featured is False


def test_an_invalid_form_says_why_and_keeps_what_was_typed(library, as_user):
    writer = as_user(library.staff)
    new = writer.get("/school/practices/new", headers=EN)
    refused = writer.post("/school/practices/new", headers=EN, data=card_form(
        title="", started_year="", what="Vores tekst", csrf_token=csrf_token_from(new.text)))
    assert refused.status_code == 422
    assert "This field is required." in refused.text and "Give both the month and the year" in refused.text
    assert "Vores tekst" in refused.text


def test_other_schools_read_the_history_without_names(library, as_user, write_card):
    from survey.practices.operations import set_featured

    card = write_card()
    set_featured(library.admin, card, True)
    history = as_user(library.other_staff).get(f"/school/practices/{card.id}/history", headers=EN).text
    assert "nord@example.org" not in history and "admin@example.org" not in history
    assert "the card&#39;s school" in history and "the network&#39;s admins" in history
    assert "nord@example.org" in as_user(library.admin).get(f"/admin/practices/{card.id}/history").text
