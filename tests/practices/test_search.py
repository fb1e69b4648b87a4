"""Searching the library on both databases: full text (Danish words too), each filter, input that looks like
query syntax, and never a card the reader may not see."""
import pytest

from survey.practices.search import CardFilters, fts5_query, search_cards


@pytest.fixture
def cards(library, write_card):
    from survey.practices.operations import set_featured
    from survey.practices.tags import item_texts

    lineage = next(iter(item_texts(library.network.id)))
    made = {
        "reading": write_card(title="Morgenlæsning", summary="Eleverne læser højt hver morgen",
                              what="Læsningen varer et kvarter.", dimensions=["student/teaching"],
                              programs=["EL"], school_types=["EUD"], participants=["teachers", "students"]),
        "mentor": write_card(title="Mentorordning for nye elever", why="Frafaldet var højt det første halve år.",
                             dimensions=["student/learning_environment"], items=[lineage], programs=["VVS"]),
        "swedish": write_card(library.other_staff, title="Läsfrämjande", summary="Eleverna läser varje dag",
                              language="sv", school_types=["hhx"], programs=["HHX"]),
        "english": write_card(library.other_staff, title="Peer feedback", what="Students review each other's work",
                              language="en", dimensions=["student/teaching"]),
        "draft": write_card(library.other_staff, draft=True, title="Hemmelig læsning"),
        "foreign": write_card(library.foreign_staff, title="Morgenlæsning i et andet netværk"),
    }
    set_featured(library.admin, made["english"], True)
    return made


def titles(user, **filters):
    return [card.title for card in search_cards(user, CardFilters(**filters)).cards]


def test_every_filter(library, cards):
    from survey.practices.tags import item_texts

    reader = library.staff
    assert titles(reader) == ["Peer feedback", "Läsfrämjande", "Mentorordning for nye elever", "Morgenlæsning"]
    assert titles(reader, dimension="student/teaching") == ["Peer feedback", "Morgenlæsning"]
    assert titles(reader, item=next(iter(item_texts(library.network.id)))) == ["Mentorordning for nye elever"]
    assert titles(reader, school_type="hhx") == ["Läsfrämjande"]
    assert titles(reader, program="VVS") == ["Mentorordning for nye elever"]
    assert titles(reader, language="sv") == ["Läsfrämjande"]
    assert titles(reader, featured=True) == ["Peer feedback"]
    assert titles(reader, school_id=library.other_school.id) == ["Peer feedback", "Läsfrämjande"]
    assert titles(reader, dimension="student/teaching", language="da") == ["Morgenlæsning"]
    page = search_cards(reader, CardFilters(), limit=2, offset=1)
    assert [c.title for c in page.cards] == ["Läsfrämjande", "Mentorordning for nye elever"] and page.total == 4


def test_full_text_finds_danish_swedish_and_english_words(library, cards):
    reader = library.staff
    # "elever" finds "eleverne" (Danish) and "eleverna" (Swedish): a stem on PostgreSQL, a prefix on SQLite
    assert set(titles(reader, text="elever")) == {"Mentorordning for nye elever", "Morgenlæsning", "Läsfrämjande"}
    assert titles(reader, text="læsningen") == ["Morgenlæsning"]
    assert titles(reader, text="Frafaldet") == ["Mentorordning for nye elever"]
    assert titles(reader, text="läser") == ["Läsfrämjande"]
    assert titles(reader, text="students") == ["Peer feedback"]
    assert titles(reader, text="hver morgen") == ["Morgenlæsning"]
    assert titles(reader, text="kvarter Frafaldet") == []  # every word must match
    assert titles(reader, text="hemmelig") == []  # another school's draft
    assert titles(library.other_staff, text="hemmelig") == ["Hemmelig læsning"]  # the school's own draft
    assert titles(library.admin, text="hemmelig") == []


def test_the_title_counts_most(library, write_card):
    write_card(title="Trivselsdag", what="En dag om det faglige og sociale. Vi kalder den festdag.")
    write_card(title="Festdag")
    assert titles(library.staff, text="festdag") == ["Festdag", "Trivselsdag"]


@pytest.mark.parametrize("text", ['"', "'", "læs*", "NEAR(a b)", "title:læsning", "a OR", "-", "()", "^morgen",
                                  "'; DROP TABLE practice_card; --", "\\", "%", "_", "AND", "\"\"\"morgen"])
def test_query_syntax_typed_by_a_user_is_only_text(library, cards, text):
    page = search_cards(library.staff, CardFilters(text=text))
    assert page.total == len(page.cards)  # answered without an error
    assert search_cards(library.staff, CardFilters()).total == 4  # and nothing was harmed


def test_only_punctuation_is_no_search_and_the_fts5_query_quotes_every_word():
    assert fts5_query('læs "NEAR" a*b') == '"læs"* "NEAR"* "a"* "b"*'
    assert fts5_query("!!!") == ""


def test_another_network_sees_only_its_own(library, cards):
    assert titles(library.foreign_staff, text="morgenlæsning") == ["Morgenlæsning i et andet netværk"]
    assert titles(library.foreign_admin) == ["Morgenlæsning i et andet netværk"]
    assert "Morgenlæsning i et andet netværk" not in titles(library.admin)


def test_an_edit_is_found_by_its_new_words_only(library, cards):
    from survey.practices.operations import CardContent, content_of, update_card

    card = cards["mentor"]
    content = content_of(card)
    content.why = "Fastholdelse af eleverne"
    update_card(library.staff, card, content)
    assert titles(library.staff, text="frafaldet") == []
    assert titles(library.staff, text="fastholdelse") == ["Mentorordning for nye elever"]
    assert isinstance(content, CardContent)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_schema_built_by_create_all_searches_as_the_migrated_one(kind, tmp_path_factory):
    """Tools that build the schema from the models (create_all) get the same full-text index as migration 0021."""
    from survey.accounts.operations import add_user
    from survey.extensions import db
    from survey.network.models import Network, School
    from survey.practices.operations import CardContent, create_card, publish
    from tests.conftest import fresh_database_url, make_app

    url, drop = fresh_database_url(kind, tmp_path_factory)
    app = make_app(url)
    try:
        with app.app_context():
            db.create_all()
            network = Network(name="N")
            school = School(network=network, code="S", name="S", type="EUD", region="R")
            db.session.add_all([network, school])
            db.session.flush()
            staff = add_user("s@example.org", "correct horse battery", "school_staff", network, school)
            publish(staff, create_card(staff, CardContent(title="Morgenlæsning", summary="Eleverne læser")))
            db.session.commit()
            assert titles(staff, text="elever") == ["Morgenlæsning"]
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    finally:
        drop()
