from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from app.accounts import bp, services
from app.accounts.forms import (ChangeEmailForm, ChangePasswordForm, EmailOnlyForm, LoginForm, ProfileForm,
                                ResetPasswordForm, SignupForm)
from app.accounts.landing import landing_for
from app.accounts.web import device_cookie, end_session, remember_device, signed_up_here, start_session
from app.extensions import client_ip, db, limiter
from app.utils.access import authenticated, public
from app.utils.urls import safe_next

def sent_message() -> str:
    # One answer whether or not the address has an account: no enumeration.
    return _("If the address can receive mail from us, a message is on its way. Check your inbox (and spam folder).")


def login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


def sensitive_limit():
    return current_app.config["RATELIMIT_SENSITIVE"]


def landing_url(user) -> str:
    """Where `user` works: `next` when it is a safe local path, else the service's choice."""
    landing = landing_for(user)
    return safe_next(url_for(landing.endpoint, **landing.values))


def wait_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext("Too many failed attempts from here. Try again in %(num)d minute, or reset your password.",
                    "Too many failed attempts from here. Try again in %(num)d minutes, or reset your password.",
                    minutes)


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
    """The link proves the address, so it confirms without a password. It also logs in
    the browser that signed the account up (not another one: there the link alone
    does not show that its holder chose the password). A browser logged in as
    someone else stays so, and is told."""
    user = services.verify_email(token)
    if user is None:
        db.session.rollback()
        flash(_("This verification link is invalid or has expired. Log in to ask for a new one."), "danger")
        return redirect(url_for("accounts.login"))
    if current_user.is_authenticated and current_user.id != user.id:
        db.session.commit()
        flash(_("The address %(email)s is confirmed. You are still logged in as %(current)s.",
                email=user.email, current=current_user.email), "info")
        return redirect(url_for("main.index"))
    if not current_user.is_authenticated and signed_up_here(user) and user.active:
        start_session(user)
    db.session.commit()
    flash(_("Thank you: your email address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(landing_url(user))
    return redirect(url_for("accounts.login", email=user.email))


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
        # Public pages shared by every reader show the visitor's menu until their script lays
        # the reader's own over it; without JavaScript their "Log in" link (with `next`) leads
        # here. The message makes the page they go back to one of their own, with their menu.
        if request.args.get("next"):
            flash(_("You are logged in as %(name)s.", name=current_user.display_name), "info")
        return redirect(landing_url(current_user))
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:254]
    if form.validate_on_submit():
        outcome = services.attempt_login(form.email.data, form.password.data, ip=client_ip(),
                                         device_cookie=device_cookie())
        if outcome.user is not None:
            start_session(outcome.user)
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=outcome.user.display_name), "success")
            return remember_device(redirect(landing_url(outcome.user)), outcome.user)
        db.session.commit()
        if outcome.retry_after:
            form.form_errors.append(wait_message(outcome.retry_after))
            response = current_app.make_response(
                (render_template("accounts/login.html", form=form, title=_("Log in")), 429))
            response.headers["Retry-After"] = str(outcome.retry_after)
            return response
        form.form_errors.append(_("The email address or password is not right."))
    return render_template("accounts/login.html", form=form, title=_("Log in"))


@bp.route("/logout", methods=["POST"])
@public
def logout():
    end_session()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit(sensitive_limit, methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, locale=session.get("lang", "en"))
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
        if user is None:  # used a moment ago, in another request
            db.session.rollback()
            flash(_("This reset link is invalid, used or expired. Ask for a new one."), "danger")
            return redirect(url_for("accounts.forgot_password"))
        end_session()
        db.session.commit()
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
            # Every session ended: this browser gets a new one.
            start_session(current_user._get_current_object())
            db.session.commit()
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
    end_session()
    db.session.commit()
    flash(_("Your email address is changed. Log in with the new address."), "success")
    return redirect(url_for("accounts.login"))
