"""The organisers' configuration: categories, custom questions and registration settings."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.policy import in_event, requires
from app.registration import bp, services
from app.registration.forms import CategoryForm, QuestionForm, SettingsForm
from app.registration.models import ApprovalMode, Category, Question, QuestionKind, WaitlistMode
from app.registration.question_forms import QuestionEditForm
from app.utils.views import run_service


@bp.route("/e/<slug>/manage/categories", methods=["GET", "POST"])
@requires("registration.configure", load={})
def manage_categories(event):
    form = CategoryForm(prefix="new")
    settings = services.settings_for(event)
    settings_form = SettingsForm(prefix="settings", obj=settings)
    question_form = QuestionForm(prefix="question")
    if request.method == "GET":
        settings_form.waitlist_mode.data = settings.waitlist_mode.value
    if form.submit.data and form.validate_on_submit():
        if run_service(lambda: services.save_category(event, None, _category_data(form), actor=current_user),
                       form=form, done=_("Category added.")):
            return redirect(url_for("registration.manage_categories", slug=event.slug))
    elif settings_form.submit.data and settings_form.validate_on_submit():
        services.update_settings(event, _settings_data(settings_form), actor=current_user)
        return _saved(event, _("Registration settings saved."))
    elif question_form.submit.data and question_form.validate_on_submit():
        services.add_question(event, **_question_data(question_form), actor=current_user)
        return _saved(event, _("Question added."))
    return render_template("registration/manage_categories.html", event=event, form=form,
                           categories=services.all_categories(event), taken=services.places_taken_by_category(event),
                           settings_form=settings_form, question_form=question_form,
                           questions=services.all_questions(event), title=_("Categories and questions"))


def _saved(event, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("registration.manage_categories", slug=event.slug))


def _settings_data(form) -> dict:
    return {
        "capacity": form.capacity.data,
        "waitlist_mode": WaitlistMode(form.waitlist_mode.data),
        "invited_preapproved": form.invited_preapproved.data,
        "passport_retention_days": form.passport_retention_days.data,
        "invitation_days": form.invitation_days.data,
        "participant_list": form.participant_list.data,
    }


def _question_data(form) -> dict:
    return {"label": form.label.data, "help": form.help.data, "kind": QuestionKind(form.kind.data),
            "choices": form.choice_list(), "required": form.required.data, "position": form.position.data or 0}


def _category_data(form) -> dict:
    return {
        "name": form.name.data, "description": form.description.data or "",
        "approval": ApprovalMode(form.approval.data), "invite_only": form.invite_only.data,
        "capacity": form.capacity.data, "protocol_rank": form.protocol_rank.data,
        "position": form.position.data or 0, "active": form.active.data,
    }


@bp.route("/e/<slug>/manage/categories/<int:category_id>", methods=["GET", "POST"])
@requires("registration.configure", load={"category": in_event(Category, "category_id")})
def manage_category(event, category):
    form = CategoryForm(obj=category)
    if request.method == "GET":
        form.approval.data = category.approval.value
    if form.validate_on_submit() and run_service(
            lambda: services.save_category(event, category, _category_data(form), actor=current_user),
            form=form, done=_("Category saved.")):
        return redirect(url_for("registration.manage_categories", slug=event.slug))
    return render_template("registration/manage_category.html", event=event, form=form, category=category,
                           title=category.name)


@bp.route("/e/<slug>/manage/questions/<int:question_id>", methods=["GET", "POST"])
@requires("registration.configure", load={"question": in_event(Question, "question_id")})
def manage_question(event, question):
    """A question's wording and choices in every language of the event, after it was added."""
    form = QuestionEditForm(question)
    if form.validate_on_submit():
        services.update_question(question, {"label": form.label.data, "help": form.help.data,
                                            "choices": form.edited_choices(), "required": form.required.data,
                                            "position": form.position.data or 0}, actor=current_user)
        return _saved(event, _("Question saved."))
    return render_template("registration/manage_question.html", event=event, form=form, question=question,
                           title=question.label)


@bp.route("/e/<slug>/manage/questions/<int:question_id>/toggle", methods=["POST"])
@requires("registration.configure", load={"question": in_event(Question, "question_id")})
def manage_question_toggle(event, question):
    services.set_question_active(question, not question.active, actor=current_user)
    db.session.commit()
    flash(_("Question updated."), "success")
    return redirect(url_for("registration.manage_categories", slug=event.slug))
