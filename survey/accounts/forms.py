"""The forms of the users admin pages (CSRF on each, Flask-WTF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, Length

from survey.accounts.models import Role

ROLE_LABELS = {
    Role.NETWORK_ADMIN: _l("Network admin"),
    Role.SCHOOL_STAFF: _l("School staff"),
    Role.ORGANISER_STAFF: _l("Organiser staff"),
}


class PlacementForm(FlaskForm):
    """Role and school; the school list is the admin's network's, filled in by `with_schools`."""

    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in Role],
                       validators=[DataRequired()])
    school = SelectField(_l("School"), choices=[], validate_choice=True,
                         description=_l("School staff see their own school; network admins see the whole network."))
    # not validated as a choice: a form without the field (before organisers existed) means None; an id that is
    # not one of the network's organisers gives no organiser, which `placement_errors` and the operation refuse
    organiser = SelectField(_l("Organiser"), choices=[], validate_choice=False,
                            description=_l("Organiser staff read the results of their organiser and its schools."))

    def with_schools(self, schools, organisers=()) -> PlacementForm:
        self.school.choices = [SelectChoice("", _l("None (network admin)"))] + [
            SelectChoice(str(school.id), f"{school.code} – {school.name}") for school in schools
        ]
        self.organiser.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(organiser.id), f"{organiser.code} – {organiser.name}") for organiser in organisers
        ]
        return self

    def chosen_organiser(self, organisers):
        return next((o for o in organisers if str(o.id) == (self.organiser.data or "")), None)

    def chosen_school(self, schools):
        by_id = {str(school.id): school for school in schools}
        return by_id.get(self.school.data or "")

    def placement_errors(self) -> bool:
        """Puts the role/school mismatch on the school field, in the admin's words; True when there was one."""
        role = Role(self.role.data)
        needs_school = role.needs_school
        if role.needs_organiser != bool(self.organiser.data):  # None when the form did not send the field
            self.organiser.errors.append(_l("Choose the organiser this person works for.") if role.needs_organiser
                                         else _l("Only organiser staff belong to an organiser: choose None."))
        if role.needs_organiser:
            if self.school.data:
                self.school.errors.append(_l("Organiser staff belong to no school: choose None."))
        elif needs_school and not self.school.data:
            self.school.errors.append(_l("Choose the school this person works at."))
        elif not needs_school and self.school.data:
            self.school.errors.append(_l("A network admin belongs to no school: choose None."))
        return bool(self.school.errors or self.organiser.errors)


class InviteUserForm(PlacementForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Send the invitation"))


class EditUserForm(PlacementForm):
    submit = SubmitField(_l("Save"))
