"""Admin pages of the network's directory: its schools (create, edit, CSV import), their programs, its organisers
(create, edit, CSV import) and its school types (country catalogue and own types). Views are thin: the operations
are survey/network/directory.py and importer.py, the same the CLI calls.

One loader (`url_value_preprocessor`) resolves the school, program and organiser codes of a URL within the
admin's own network: a code of another network answers 404. An import with any bad row shows every problem with
its line number and saves nothing (the request ends in a rollback, `survey.portal.end_transaction`).
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.extensions import db
from survey.network.directory import (DirectoryError, add_school_type, create_organiser, create_program,
                                      create_school, import_organisers, parse_organiser_csv, set_country,
                                      update_organiser, update_program, update_school)
from survey.network.forms import (CountryForm, ImportForm, OrganiserForm, ProgramForm, SchoolForm,
                                  SchoolTypeForm)
from survey.network.importer import SchoolImportError, import_schools, parse_school_csv
from survey.network.models import Organiser, School
from survey.network.school_types import CATALOGUE, school_types
from survey.portal import admin_blueprint

bp = admin_blueprint("network_directory", __name__)


@bp.url_value_preprocessor
def load_objects(_endpoint, values):
    if not values:
        return
    network_id = current_user.network_id
    if "school_code" in values:
        g.school = db.session.scalar(select(School).where(School.network_id == network_id,
                                                          School.code == values.pop("school_code"))) or abort(404)
        if "program_code" in values:
            code = values.pop("program_code")
            g.program = next((p for p in g.school.programs if p.code == code), None) or abort(404)
    if "organiser_code" in values:
        g.organiser = db.session.scalar(select(Organiser).where(
            Organiser.network_id == network_id, Organiser.code == values.pop("organiser_code"))) or abort(404)


def _school_form(obj=None) -> SchoolForm:
    network = current_user.network
    form = SchoolForm(obj=obj).for_network(school_types(network), network.organisers)
    if obj is not None and not form.is_submitted():
        form.organiser.data = str(obj.organiser_id or "")
    return form


def _chosen_organiser(form: SchoolForm) -> Organiser | None:
    return next((o for o in current_user.network.organisers if str(o.id) == form.organiser.data), None)


def _page(template: str, form, **context):
    return render_template(template, form=form, **context), (422 if form.errors else 200)


@bp.route("/schools/new", methods=["GET", "POST"])
def new_school():
    form = _school_form()
    if form.validate_on_submit():
        try:
            school = create_school(current_user.network, code=form.code.data, name=form.name.data,
                                   type=form.type.data, region=form.region.data,
                                   report_language=form.report_language.data, organiser=_chosen_organiser(form))
        except DirectoryError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("School %(code)s created.", code=school.code), "success")
            return redirect(url_for(".edit_school", school_code=school.code))
    return _page("network/school_form.html", form, school=None)


@bp.route("/schools/<path:school_code>/", methods=["GET", "POST"])
def edit_school():
    form = _school_form(g.school)
    form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            update_school(g.school, name=form.name.data, type=form.type.data, region=form.region.data,
                          report_language=form.report_language.data, organiser=_chosen_organiser(form))
        except DirectoryError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("School %(code)s saved.", code=g.school.code), "success")
            return redirect(url_for("network_admin.schools"))
    return _page("network/school_form.html", form, school=g.school, program_form=ProgramForm(formdata=None))


@bp.route("/schools/<path:school_code>/programs/new", methods=["GET", "POST"])
def new_program():
    form = ProgramForm()
    if form.validate_on_submit():
        try:
            create_program(g.school, code=form.code.data, name=form.name.data)
        except DirectoryError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("Program %(code)s added to %(school)s.", code=form.code.data, school=g.school.code), "success")
            return redirect(url_for(".edit_school", school_code=g.school.code))
    return _page("network/program_form.html", form, school=g.school, program=None)


@bp.route("/schools/<path:school_code>/programs/<program_code>", methods=["GET", "POST"])
def edit_program():
    form = ProgramForm(obj=g.program)
    form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            update_program(g.program, name=form.name.data)
        except DirectoryError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Program %(code)s saved.", code=g.program.code), "success")
            return redirect(url_for(".edit_school", school_code=g.school.code))
    return _page("network/program_form.html", form, school=g.school, program=g.program)


@bp.route("/import/schools", methods=["GET", "POST"])
def import_school_file():
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        network = current_user.network
        upload = form.file.data
        try:
            rows = parse_school_csv(upload.read().decode("utf-8"), upload.filename or "schools.csv", network)
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")]
        except SchoolImportError as error:
            problems = error.problems
        else:
            summary = import_schools(network, rows)
            flash(_("Imported %(rows)d schools: %(new)d new, %(updated)d updated, %(programs)d new programs.",
                    rows=len(rows), new=summary.schools_created, updated=summary.schools_updated,
                    programs=summary.programs_created), "success")
            return redirect(url_for("network_admin.schools"))
    status = 422 if problems or form.errors else 200
    return render_template("network/import.html", form=form, problems=problems, kind="schools"), status


@bp.get("/organisers")
def organisers():
    return render_template("network/organisers.html", organisers=current_user.network.organisers)


@bp.route("/organisers/new", methods=["GET", "POST"])
def new_organiser():
    form = OrganiserForm()
    if form.validate_on_submit():
        try:
            organiser = create_organiser(current_user.network, code=form.code.data, name=form.name.data,
                                         kind=form.kind.data)
        except DirectoryError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("Organiser %(code)s created.", code=organiser.code), "success")
            return redirect(url_for(".organisers"))
    return _page("network/organiser_form.html", form, organiser=None)


@bp.route("/organisers/<path:organiser_code>/", methods=["GET", "POST"])
def edit_organiser():
    form = OrganiserForm(obj=g.organiser)
    form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            update_organiser(g.organiser, name=form.name.data, kind=form.kind.data)
        except DirectoryError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Organiser %(code)s saved.", code=g.organiser.code), "success")
            return redirect(url_for(".organisers"))
    return _page("network/organiser_form.html", form, organiser=g.organiser)


@bp.route("/import/organisers", methods=["GET", "POST"])
def import_organiser_file():
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = parse_organiser_csv(upload.read().decode("utf-8"), upload.filename or "organisers.csv")
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")]
        except SchoolImportError as error:
            problems = error.problems
        else:
            created, updated = import_organisers(current_user.network, rows)
            flash(_("Imported %(rows)d organisers: %(new)d new, %(updated)d updated.", rows=len(rows),
                    new=created, updated=updated), "success")
            return redirect(url_for(".organisers"))
    status = 422 if problems or form.errors else 200
    return render_template("network/import.html", form=form, problems=problems, kind="organisers"), status


@bp.route("/school-types", methods=["GET", "POST"])
def types():
    network = current_user.network
    country_form = CountryForm(obj=network, prefix="country")
    type_form = SchoolTypeForm(prefix="type")
    if country_form.submit.data and country_form.validate_on_submit():
        try:
            set_country(network, country_form.country.data)
        except DirectoryError as error:
            country_form.country.errors.append(str(error))
        else:
            flash(_("Catalogue saved."), "success")
            return redirect(url_for(".types"))
    elif type_form.submit.data and type_form.validate_on_submit():
        try:
            add_school_type(network, code=type_form.code.data, name=type_form.name.data)
        except DirectoryError as error:
            type_form.code.errors.append(str(error))
        else:
            flash(_("School type %(code)s added.", code=type_form.code.data), "success")
            return redirect(url_for(".types"))
    # a POST that gets here changed nothing: an invalid form, or neither form's button
    status = 422 if request.method == "POST" else 200
    return render_template("network/school_types.html", network=network, country_form=country_form,
                           type_form=type_form, catalogue=CATALOGUE.get(network.country, ()),
                           own=network.own_school_types), status
