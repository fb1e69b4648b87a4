"""The portal's forms, whose every message is in the reader's language: WTForms' own messages too (a required
field, a date that is not a date), which WTForms translates into Swedish but not into Danish. `PortalForm` takes
them from the project's catalogue, where BUILT_IN_MESSAGES marks them for extraction and translation."""
from __future__ import annotations

from flask_babel import get_translations, lazy_gettext as _l, lazy_ngettext
from flask_wtf import FlaskForm

BUILT_IN_MESSAGES = (
    _l("This field is required."),
    lazy_ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.",
                  1),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Not a valid integer value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.",
                  "'%(value)s' are not valid choices for this field.", 1),
)
"""The messages WTForms itself gives for the fields and validators the portal's forms use, as WTForms words
them (its msgids); WTForms fills in their placeholders."""


class _Catalogue:
    """WTForms' translations interface on the project's catalogue. Unformatted: WTForms formats the message."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Catalogue()
