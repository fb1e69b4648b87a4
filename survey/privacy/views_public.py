"""The public accessibility statement (/accessibility/<language>), linked from every page's footer. It follows
the EU Web Accessibility Directive's model statement (Commission Implementing Decision (EU) 2018/1523), as the
Danish "tilgængelighedserklæring" and the Swedish "tillgänglighetsredogörelse" do: compliance status, known
exceptions, how it was assessed, feedback contact (the deployment's `ACCESSIBILITY_CONTACT`), enforcement."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale

from survey.privacy.records import RECORD_LANGUAGES

bp = Blueprint("privacy_public", __name__)
STATEMENT_LANGUAGES = RECORD_LANGUAGES  # da, sv, en
LANGUAGE_NAMES = {"da": "Dansk", "sv": "Svenska", "en": "English"}


@bp.get("/accessibility")
def accessibility_default():
    """The statement in the browser's language among da/sv/en (Danish when it names none of them)."""
    return redirect(url_for(".accessibility", language=request.accept_languages.best_match(STATEMENT_LANGUAGES,
                                                                                           "da")))


@bp.get("/accessibility/<any(da, sv, en):language>")
def accessibility(language: str):
    with force_locale(language):
        return render_template("privacy/accessibility.html", language=language, languages=LANGUAGE_NAMES,
                               contact=current_app.config["ACCESSIBILITY_CONTACT"])
