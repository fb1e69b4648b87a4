"""Writing cards: who may, what the tags may be, and the history every write leaves."""
from datetime import date

import pytest

from survey.practices.operations import (CardContent, CardError, create_card, delete_card, publish,
                                         revisions_with_changes, set_featured, unpublish, update_card)


def test_a_card_keeps_every_write_in_its_history(library, write_card):
    card = write_card(draft=True, summary="Vi læser", dimensions=["student/teaching"], participants=["teachers"])
    assert card.status == "draft" and [r.action for r in card.revisions] == ["create"]
    update_card(library.staff, card, CardContent(title="Morgenlæsning hver dag", summary="Vi læser",
                                                 started_on=date(2025, 8, 19), dimensions=["student/teaching"],
                                                 programs=["EL"], participants=["teachers", "students"]))
    publish(library.staff, card)
    set_featured(library.admin, card, True)
    unpublish(library.staff, card)
    history = revisions_with_changes(card)
    assert [(r.action, r.number, r.saved_by) for r, _ in history] == [
        ("unpublish", 5, "nord@example.org"), ("feature", 4, "admin@example.org"),
        ("publish", 3, "nord@example.org"), ("edit", 2, "nord@example.org"), ("create", 1, "nord@example.org")]
    assert history[3][1] == ["title", "started_on", "programs", "participants"]
    assert history[0][1] == ["status", "featured"]
    assert card.started_on == date(2025, 8, 1) and not card.featured
    assert card.revisions[1].content["participants"] == ["students", "teachers"]


@pytest.mark.parametrize("field, value", [("dimensions", ["student/nonsense"]), ("items", ["student/x"]),
                                          ("programs", ["HHX"]), ("school_types", ["nope"]),
                                          ("participants", ["pets"])])
def test_tags_are_the_networks_own(library, field, value):
    with pytest.raises(CardError, match="Unknown tags"):
        create_card(library.staff, CardContent(title="T", **{field: value}))


def test_items_dimensions_school_types_and_programs_are_taken(library, write_card):
    from survey.practices.tags import item_texts

    lineage = next(iter(item_texts(library.network.id)))
    card = write_card(dimensions=["student/teaching"], items=[lineage], programs=["VVS"], school_types=["hhx"])
    assert card.tag_values("item") == [lineage] and card.tag_values("school_type") == ["hhx"]


def test_only_the_cards_school_changes_it_and_only_admins_feature(library, write_card):
    card = write_card()
    for user in (library.other_staff, library.admin, library.foreign_staff):
        with pytest.raises(CardError):
            update_card(user, card, CardContent(title="Stjålet"))
        with pytest.raises(CardError):
            unpublish(user, card)
    for user in (library.staff, library.foreign_admin):
        with pytest.raises(CardError):
            set_featured(user, card, True)
    with pytest.raises(CardError):
        create_card(library.admin, CardContent(title="Admin"))


def test_a_draft_is_deleted_a_published_card_unpublished(library, write_card, db_session):
    from survey.practices.models import PracticeCard

    draft, published = write_card(draft=True), write_card()
    draft_id = draft.id
    assert delete_card(library.staff, draft) is True
    assert db_session.get(PracticeCard, draft_id) is None
    assert delete_card(library.staff, published) is False
    assert published.status == "draft" and published.revisions[-1].action == "unpublish"
    with pytest.raises(CardError):
        delete_card(library.other_staff, published)


def test_only_a_published_card_is_featured(library, write_card):
    with pytest.raises(CardError, match="published"):
        set_featured(library.admin, write_card(draft=True), True)
