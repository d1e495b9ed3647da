from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import bp, services
from app.accounts.forms import (ChangeEmailForm, ChangePasswordForm, EmailOnlyForm, LoginForm, ProfileForm,
                                ResetPasswordForm, SignupForm)
from app.extensions import client_ip, db, limiter
from app.policy import authenticated, public
from app.utils.forms import strip_text
from app.utils.time import utcnow
from app.utils.urls import safe_next

def sent_message() -> str:
    # One answer whether or not the address has an account: no enumeration.
    return _("If the address can receive mail from us, a message is on its way. Check your inbox (and spam folder).")


def login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


def sensitive_limit():
    return current_app.config["RATELIMIT_SENSITIVE"]


def start_session(user) -> None:
    """A fresh session at login: nothing from before (CSRF token included) survives."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = int(utcnow().timestamp())
    session["auth_at"] = now
    session["seen_at"] = now
    session["lang"] = user.locale


def end_session() -> None:
    logout_user()
    session.clear()


def _profile_data(form) -> dict:
    return {f: getattr(form, f).data for f in services.PROFILE_FIELDS}


@bp.route("/signup", methods=["GET", "POST"])
@public
@limiter.limit(sensitive_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if request.method == "GET":
        form.locale.data = session.get("lang", "en")
    if form.validate_on_submit():
        data = _profile_data(form)
        services.sign_up(email=form.email.data, password=form.password.data, **data)
        db.session.commit()
        return render_template("accounts/check_email.html", email=form.email.data,
                               title=_("Check your email"), next=safe_next(""))
    return render_template("accounts/signup.html", form=form, title=_("Create an account"))


@bp.route("/verify/<token>")
@public
def verify_email(token):
    user = services.verify_email(token)
    if user is None:
        db.session.rollback()
        flash(_("This verification link is invalid or has expired. Log in to ask for a new one."), "danger")
        return redirect(url_for("accounts.login"))
    db.session.commit()
    flash(_("Thank you: your email address is confirmed."), "success")
    return redirect(url_for("main.index") if current_user.is_authenticated else url_for("accounts.login"))


@bp.route("/verify/resend", methods=["POST"])
@authenticated
@limiter.limit(sensitive_limit)
def resend_verification():
    services.resend_verification(current_user.email)
    db.session.commit()
    flash(sent_message(), "info")
    return redirect(safe_next(url_for("accounts.profile")))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("main.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, ip=client_ip())
        db.session.commit()
        if user is not None:
            start_session(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(url_for("main.index")))
        form.form_errors.append(_("The email address or password is not right, or the account is locked for a while."))
    return render_template("accounts/login.html", form=form, title=_("Log in"))


@bp.route("/logout", methods=["POST"])
@public
def logout():
    end_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit(sensitive_limit, methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(sent_message(), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form, title=_("Forgotten password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(sensitive_limit, methods=["POST"])
def reset_password(token):
    if services.peek_token(token, "reset") is None:
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        db.session.commit()
        end_session()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, title=_("Choose a new password"))


@bp.route("/profile", methods=["GET", "POST"])
@authenticated
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, _profile_data(form), actor=current_user)
        db.session.commit()
        session["lang"] = current_user.locale
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, title=_("Your profile"))


@bp.route("/password", methods=["GET", "POST"])
@authenticated
@limiter.limit(sensitive_limit, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.change_password(current_user, form.current.data, form.password.data):
            db.session.commit()
            # The session token rotated: log in again in this browser only.
            start_session(current_user._get_current_object())
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
        form.current.errors.append(_("This is not your current password."))
    return render_template("accounts/password.html", form=form, title=_("Change password"))


@bp.route("/email", methods=["GET", "POST"])
@authenticated
@limiter.limit(sensitive_limit, methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if services.request_email_change(current_user, form.email.data, form.current.data):
            db.session.commit()
            flash(_("We sent a confirmation link to the new address. Your email changes when you open it."), "info")
            return redirect(url_for("accounts.profile"))
        form.current.errors.append(_("This is not your current password."))
    return render_template("accounts/email.html", form=form, title=_("Change email address"))


@bp.route("/email/confirm/<token>")
@public
def confirm_email_change(token):
    user = services.confirm_email_change(token)
    if user is None:
        db.session.rollback()
        flash(_("This confirmation link is invalid or has expired."), "danger")
        return redirect(url_for("main.index"))
    db.session.commit()
    end_session()
    flash(_("Your email address is changed. Log in with the new address."), "success")
    return redirect(url_for("accounts.login"))
