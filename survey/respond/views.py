from flask import render_template

from survey.respond import bp


@bp.get("/")
def index():
    return render_template("respond/index.html")
