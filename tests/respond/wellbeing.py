"""A questionnaire with every question type, routing, randomisation and a right-to-left language, for the
respondent tests (form, storage, browser): published through the catalog like any other."""
from __future__ import annotations

from tests.respond.conftest import create_link, create_round

WELLBEING = """family: student
audience: student
version: "2027-wellbeing"
default_language: da
languages: [da, en, ar]
title: {da: Trivsel, en: Well-being, ar: الرفاهية}
intro: {da: Om trivsel, en: About well-being, ar: عن الرفاهية}
interface:
  ar:
    next: التالي
    back: رجوع
    page_of: "صفحة {n} من {total}"
    start: ابدأ الاستبيان
    optional: اختياري
scales:
  agree5:
    points: 5
    labels:
      da: [Helt uenig, Uenig, Hverken eller, Enig, Helt enig]
      en: [Completely disagree, Disagree, Neither, Agree, Completely agree]
    order: descending
    non_substantive:
      - key: dont_know
        code: 9
        label: {da: Ved ikke, en: Don't know}
      - key: not_applicable
        code: 8
        label: {da: Ikke relevant, en: Not applicable}
  often:
    points: 4
    ends:
      da: [Aldrig, Hver dag]
      en: [Never, Every day]
pages:
  - key: about
    title: {da: Om dig, en: About you}
    questions:
      - type: display
        key: about_intro
        text: {da: Først lidt om dig., en: First a little about you., ar: أولاً قليلاً عنك.}
      - type: single
        key: placement
        required: true
        text: {da: Er du i praktik?, en: Are you in a placement?, ar: هل أنت في تدريب؟}
        help: {da: Praktik betyder oplæring i en virksomhed., en: A placement is training in a company.}
        options:
          - {key: "yes", label: {da: Ja, en: "Yes", ar: نعم}}
          - {key: "no", label: {da: Nej, en: "No", ar: لا}}
      - type: numeric
        key: age
        text: {da: Hvor gammel er du?, en: How old are you?}
        min: 14
        max: 99
        unit: {da: år, en: years}
      - type: multiple
        key: activities
        text: {da: Hvad laver du i fritiden?, en: What do you do in your free time?}
        options:
          - {key: sport, label: {da: Sport, en: Sport}}
          - {key: music, label: {da: Musik, en: Music}}
          - {key: none, label: {da: Intet af det, en: None of these}, exclusive: true}
      - type: single
        key: program
        source: program
        text: {da: Hvilken uddannelse går du på?, en: Which programme are you in?}
  - key: placement_page
    title: {da: Praktik, en: Placement}
    shown_if: "placement = 'yes'"
    randomise: true
    questions:
      - type: display
        key: placement_intro
        text: {da: Om din praktik., en: About your placement.}
      - type: rating
        key: placement.learn
        scale: agree5
        text: {da: Jeg lærer meget, en: I learn a lot}
      - type: rating
        key: placement.help
        scale: agree5
        text: {da: Jeg får hjælp, en: I get help}
      - type: rating
        key: placement.tasks
        scale: agree5
        text: {da: Opgaverne passer mig, en: The tasks suit me}
      - type: rating
        key: placement.safe
        scale: agree5
        text: {da: Jeg føler mig tryg, en: I feel safe}
      - type: rating
        key: placement.welcome
        scale: agree5
        text: {da: Jeg er velkommen, en: I am welcome}
  - key: bullying
    title: {da: Mobning, en: Bullying}
    questions:
      - type: rating
        key: bullying.often
        scale: often
        text: {da: Hvor tit bliver du mobbet?, en: How often are you bullied?}
  - key: bullying_more
    title: {da: Mere om mobning, en: More about bullying}
    questions:
      - type: text
        key: bullying_where
        long: false
        max_length: 40
        required: true
        shown_if: "bullying.often >= 2"
        text: {da: Hvor sker det?, en: Where does it happen?}
      - type: numeric
        key: hours
        decimal: true
        text: {da: Timer om ugen med lektier, en: Hours of homework a week}
  - key: comments
    title: {da: Kommentarer, en: Comments}
    questions:
      - type: text
        key: comments
        text: {da: Andet?, en: Anything else?}
dimensions:
  - key: placement
    title: {da: Praktik, en: Placement}
    items: [placement.learn, placement.help, placement.tasks, placement.safe, placement.welcome]
  - key: bullying
    title: {da: Mobning, en: Bullying}
    items: [bullying.often]
"""

PLACEMENT_ITEMS = ["placement.learn", "placement.help", "placement.tasks", "placement.safe", "placement.welcome"]


def publish_wellbeing(network, source: str = WELLBEING):
    from survey.catalog.operations import publish_definition, validate_source
    from survey.extensions import db

    db.session.flush()
    return publish_definition(network, validate_source(source, "wellbeing.yaml", network=network), source,
                              "test").version


def wellbeing_link(network, school, source: str = WELLBEING):
    version = publish_wellbeing(network, source)
    survey_round = create_round(network, version, [school], name="Wellbeing 2027")
    return create_link(survey_round, school)
