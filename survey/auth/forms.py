from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "email"})
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=1024)], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField("Log in")
