"""The practice library's forms: a card (its fields and tags), an attachment, the library's search and filters,
and the one-button forms (publish, unpublish, delete, feature) that carry only a CSRF token."""
from __future__ import annotations

from datetime import date

from babel.dates import get_month_names
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from survey.portal.forms import PortalForm
from survey.practices.operations import CardContent
from survey.practices.tags import CARD_LANGUAGES, PARTICIPANT_LABELS

FIRST_YEAR = 1990


def _checkboxes(label, **kwargs) -> SelectMultipleField:
    return SelectMultipleField(label, option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                               **kwargs)


class CardForm(PortalForm):
    """A card's fields and tags; the tag choices are the network's and the school's (`for_choices`)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)],
                            description=_l("One or two sentences, shown in lists and reports."))
    what = TextAreaField(_l("What you do"))
    why = TextAreaField(_l("Why you do it"))
    participants = _checkboxes(_l("Who takes part"), choices=[SelectChoice(key, label) for key, label in PARTICIPANT_LABELS.items()])
    participants_note = StringField(_l("Who takes part, in your words"), validators=[Length(max=500)])
    started_month = SelectField(_l("Month"), choices=[], validate_choice=True)
    started_year = SelectField(_l("Year"), choices=[], validate_choice=True)
    contact_name = StringField(_l("Contact name"), validators=[Length(max=200)])
    contact_role = StringField(_l("Contact role"), validators=[Length(max=200)])
    contact_email = StringField(_l("Contact e-mail"), validators=[
        Optional(), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give an e-mail address, e.g. name@school.dk."))])
    language = SelectField(_l("Language of the card"), choices=[SelectChoice(code, name, render_kw={"lang": code})
                                                                for code, name in CARD_LANGUAGES.items()])
    dimensions = SelectMultipleField(_l("Dimensions it addresses"), choices=[])
    items = SelectMultipleField(_l("Questions it addresses"), choices=[])
    programs = _checkboxes(_l("Programs where it runs"), choices=[])
    school_types = SelectMultipleField(_l("School types where it runs"), choices=[])
    submit = SubmitField(_l("Save card"))

    def for_choices(self, *, dimensions, items, programs, school_types) -> CardForm:
        """Fill the choices: each a list of (value, label in the reader's language)."""
        self.dimensions.choices = [SelectChoice(value, label) for value, label in dimensions]
        self.items.choices = [SelectChoice(value, label) for value, label in items]
        self.programs.choices = [SelectChoice(value, label) for value, label in programs]
        self.school_types.choices = [SelectChoice(code, f"{code} – {name}") for code, name in school_types]
        months = get_month_names("wide", locale=get_locale())
        self.started_month.choices = [SelectChoice("", _l("Month"))] + [
            SelectChoice(str(month), months[month]) for month in range(1, 13)]
        self.started_year.choices = [SelectChoice("", _l("Year"))] + [
            SelectChoice(str(year)) for year in range(date.today().year, FIRST_YEAR - 1, -1)]
        return self

    def fill_from(self, content: CardContent) -> None:
        """Show a card's content (on GET)."""
        for name in ("title", "summary", "what", "why", "participants_note", "contact_name", "contact_role",
                     "contact_email", "language", "dimensions", "items", "programs", "school_types", "participants"):
            getattr(self, name).data = getattr(content, name)
        if content.started_on:
            self.started_month.data = str(content.started_on.month)
            self.started_year.data = str(content.started_on.year)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if bool(self.started_month.data) != bool(self.started_year.data):
            self.started_year.errors = [*self.started_year.errors,
                                        _l("Give both the month and the year it began, or neither.")]
            return False
        return valid

    def content(self) -> CardContent:
        started = (date(int(self.started_year.data), int(self.started_month.data), 1)
                   if self.started_month.data and self.started_year.data else None)
        return CardContent(
            title=self.title.data, summary=self.summary.data or "", what=self.what.data or "", why=self.why.data or "",
            participants_note=self.participants_note.data or "", started_on=started,
            contact_name=self.contact_name.data or "", contact_role=self.contact_role.data or "",
            contact_email=self.contact_email.data or "", language=self.language.data,
            dimensions=list(self.dimensions.data or []), items=list(self.items.data or []),
            programs=list(self.programs.data or []), school_types=list(self.school_types.data or []),
            participants=list(self.participants.data or []))


class AttachmentForm(PortalForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Attach file"), id="attach-submit")


class ActionForm(PortalForm):
    """A button that changes a card: the form holds only the CSRF token."""


class LibraryFilterForm(PortalForm):
    """The library's search box and filters, sent by GET (no CSRF: reading changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    dimension = SelectField(_l("Dimension"), choices=[], validate_choice=False)
    item = SelectField(_l("Question"), choices=[], validate_choice=False)
    school_type = SelectField(_l("School type"), choices=[], validate_choice=False)
    program = SelectField(_l("Program"), choices=[], validate_choice=False)
    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    featured = BooleanField(_l("Featured only"))
    own = BooleanField(_l("Our school's cards only"))

    def for_choices(self, *, dimensions, items, school_types, programs) -> LibraryFilterForm:
        every = SelectChoice("", _l("Any"))
        self.dimension.choices = [every] + [SelectChoice(v, label) for v, label in dimensions]
        self.item.choices = [every] + [SelectChoice(v, label) for v, label in items]
        self.school_type.choices = [every] + [SelectChoice(code, f"{code} – {name}") for code, name in school_types]
        self.program.choices = [every] + [SelectChoice(code, label) for code, label in programs]
        self.language.choices = [every] + [SelectChoice(code, name, render_kw={"lang": code})
                                           for code, name in CARD_LANGUAGES.items()]
        return self
