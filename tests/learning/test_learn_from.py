""""Learn from" in the school's PDF and on its staff dashboard: the partners as the school sees them and the
published cards of schools strong on each "Improve first" dimension; schools' names only where shared."""
from __future__ import annotations

import pytest

from survey.reporting.loader import load_round_inputs
from survey.reporting.pdf import render_school_report
from tests.learning.conftest import AFTER
from tests.reports.conftest import pdf_text

STRONG = ("Morning circles", "Peer observation")  # TOP1 and TOP3: the round's top quartile on teach
NOT_SHOWN = ("Secret draft",  # a draft
             "Weak school idea",  # MID2: not strong on teach
             "Feedback weeks",  # TOP2: high, but under the top quartile and no partner
             "Our own idea",  # the school's own
             "Staff room",  # another family's dimension
             "Foreign idea")  # another network
NAMES = ("Skolen top1", "Skolen top3", "Skolen top2", "Skolen mid2")


def school_pdf(survey_round, code: str, tmp_path) -> str:
    (inputs,), _network = load_round_inputs(survey_round, today=AFTER, school_codes=[code])
    return " ".join(pdf_text(render_school_report(inputs), tmp_path).split())


def test_the_school_pdf_holds_the_cards_of_strong_schools_without_names(learning_network, tmp_path):
    text = school_pdf(learning_network.new, "LOW1", tmp_path)
    assert "Lær af" in text
    for title in STRONG:
        assert title in text
        assert f"Summary of {title}" in text and f"{title.lower().replace(' ', '.')}@example.org" in text
    for title in NOT_SHOWN:
        assert title not in text
    assert not [name for name in NAMES if name in text]  # the network does not share names
    assert "School A" in text and "School B" in text  # the partners as the school sees them


def test_names_are_shown_where_the_network_shares_them(learning_network, db_session, tmp_path):
    learning_network.network.share_school_names = True
    db_session.flush()
    text = school_pdf(learning_network.new, "LOW1", tmp_path)
    assert "Skolen top1 · benchmarkpartner" in text and "Skolen top3 · benchmarkpartner" in text
    assert "Skolen top2" not in text and "Skolen mid2" not in text


def test_the_cards_beyond_five_are_counted(learning_network, db_session):
    from tests.learning.conftest import add_card

    for i in range(6):
        add_card(db_session, learning_network.schools["TOP1"], f"Extra idea {i}", ["teach"])
    (inputs,), _network = load_round_inputs(learning_network.new, today=AFTER, school_codes=["LOW1"])
    (section,) = inputs.learn_from
    assert len(section.cards) == 5 and section.more == 3  # 8 cards of strong schools
    assert section.cards[0].title == "Peer observation"  # the featured card stays first


def test_a_school_without_improve_first_dimensions_has_no_learn_from(learning_network, tmp_path):
    (inputs,), _network = load_round_inputs(learning_network.new, today=AFTER, school_codes=["TOP1"])
    assert inputs.learn_from == []
    assert "Lær af" not in " ".join(pdf_text(render_school_report(inputs), tmp_path).split())


def test_the_learn_from_sections(learning_network):
    (inputs,), _network = load_round_inputs(learning_network.new, today=AFTER, school_codes=["LOW1"])
    (section,) = inputs.learn_from
    assert section.dimension == "teach"
    assert {card.title for card in section.cards} == set(STRONG)
    assert section.cards[0].title == "Peer observation"  # featured first
    assert all(card.school is None and not card.partner for card in section.cards)
    assert section.partners and all(label.startswith("School ") for label in section.partners)


@pytest.mark.parametrize("shared", [False, True])
def test_the_staff_dashboard_shows_learn_from(client, login, make_user, learning_network, db_session, shared):
    learning_network.network.share_school_names = shared
    staff = make_user("staff.low1@example.org", school=learning_network.schools["LOW1"])
    login(staff)
    page = client.get(f"/school/reports/{learning_network.new.id}/LOW1/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    section = page.text.split('id="learn-from-heading"')[1]
    for title in STRONG:
        assert title in section
    for title in NOT_SHOWN:
        assert title not in section
    assert ("Skolen top1" in section) == shared
    assert "mailto:morning.circles@example.org" in section
