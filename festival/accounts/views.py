"""Log in and out, change one's password; administrators manage users and API tokens."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from festival.accounts import services
from festival.accounts.forms import (
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    ResetPasswordForm,
    TokenCreateForm,
    UserCreateForm,
)
from festival.accounts.labels import template_globals
from festival.accounts.models import ApiToken, User
from festival.core.access import Role, logged_in, public, roles
from festival.core.errors import DomainError
from festival.core.forms import apply_field_errors, submit_form
from festival.core.security import limit
from festival.core.views import safe_next
from festival.extensions import db

bp = Blueprint("accounts", __name__)


@bp.record_once
def _labels(state) -> None:
    state.app.jinja_env.globals.update(template_globals())


def landing_for(user: User) -> str:
    if user.role in (Role.ADMIN, Role.ORGANISER):
        return url_for("associations.manage_list")
    if user.role is Role.ASSOCIATION and user.association is not None:
        return url_for("associations.detail", slug=user.association.slug)
    if user.role is Role.VOLUNTEER:
        return url_for("checkin.start")  # the door: pair this phone, or scan if it is paired
    return url_for("accounts.account")


@bp.route("/login", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_LOGIN", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         client=request.remote_addr or "")
        except DomainError as error:
            flash(error.message, "error")
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next"), landing_for(user)))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated:
        services.log_out(current_user._get_current_object())
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


def restamp(user: User) -> None:
    """Keep this session logged in after the account's session version changed."""
    login_user(user, fresh=True)


@bp.get("/account")
@logged_in
def account():
    return render_template("accounts/account.html", password_form=PasswordChangeForm())


@bp.post("/account/password")
@logged_in
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data)
        except DomainError as error:
            apply_field_errors(form, error)
        else:
            restamp(current_user._get_current_object())
            flash(_("Your password has been changed. Every other session of your account "
                    "is logged out."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=form), 422


@bp.route("/admin/users", methods=["GET", "POST"])
@roles(Role.ADMIN)
def users():
    form = UserCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.password.data, form.role.data,
                                        name=form.name.data or "", actor=current_user)
        except DomainError as error:
            apply_field_errors(form, error)
            status = 422
        else:
            flash(_("Account created for %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.users"))
    elif form.is_submitted():
        status = 422
    people = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=people, locked=services.locked_emails(),
                           form=form), status


@bp.route("/admin/tokens", methods=["GET", "POST"])
@roles(Role.ADMIN)
def tokens():
    form = TokenCreateForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            token, created = services.create_api_token(form.name.data, form.role.data,
                                                       actor=current_user)
        except DomainError as error:
            apply_field_errors(form, error)
            status = 422
        else:
            flash(_("Token created. Copy it now: it will not be shown again."), "success")
            form = TokenCreateForm(formdata=None)
    elif form.is_submitted():
        status = 422
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template("accounts/tokens.html", tokens=rows, form=form,
                           created=created), status


@bp.post("/admin/tokens/<int:token_id>/revoke")
@roles(Role.ADMIN)
def revoke_token(token_id: int):
    token = services.revoke_api_token(token_id, actor=current_user)
    flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(url_for("accounts.tokens"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_PASSWORD_RESET", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, ip=request.remote_addr or "")
        # The same answer whether an account exists or not.
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_PASSWORD_RESET", methods=["POST"])
def reset_password(token: str):
    try:
        services.reset_for_token(token)
    except DomainError as error:
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    redirected, status = submit_form(
        form, lambda: services.reset_password(token, form.new_password.data),
        message=_("Your password has been changed. You can log in with it now."),
        then=url_for("accounts.login"))
    if redirected:
        return redirected
    return render_template("accounts/reset.html", form=form), status


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_PASSWORD_RESET", methods=["POST"])
def confirm_address(token: str):
    """A page with a button, not a GET that confirms: mail scanners follow links."""
    try:
        services.reset_for_token(token)
    except DomainError as error:
        return render_template("accounts/reset_invalid.html", message=error.message), 400
    form = FlaskForm()
    if form.validate_on_submit():
        services.confirm_address(token)
        flash(_("Your address is confirmed. You can log in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm.html", form=form), 400 if form.errors else 200


@bp.post("/admin/users/<int:user_id>/unlock")
@roles(Role.ADMIN)
def unlock_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    services.unlock(user, actor=current_user)
    flash(_("%(email)s can log in again from everywhere.", email=user.email), "success")
    return redirect(url_for("accounts.users"))
