"""Visa-support letters (the list, issue, revoke, the PDF) and the badge and letter settings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select

from app.checkin import badges, bp, services
from app.checkin.forms import (TRANSLATED_SETTINGS, PickForm, ReasonForm, colour_value, posted_badge_languages,
                               posted_texts, settings_form, show_settings)
from app.checkin.models import BadgeSize, VisaLetter
from app.checkin.services import letters
from app.checkin.views.common import MANAGE, pdf, registration_from_posted_pick
from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import in_event, requires
from app.registration.models import Category, Registration
from app.utils.paging import Page, page_number
from app.utils.views import run_service

PER_PAGE = 50


# --- Settings --------------------------------------------------------------------------

def _colours(settings, categories) -> tuple[dict, dict]:
    """({category id: colour shown}, {category id: error}) from the posted colours, or the saved ones."""
    colours, errors = {}, {}
    for category in categories:
        raw = request.form.get(f"colour-{category.id}") if request.method == "POST" else None
        if raw is None:
            colours[category.id] = badges.category_colour(settings, category)
        elif colour_value(raw) is None:
            colours[category.id] = raw[:20]
            errors[category.id] = _("Use a colour like #0b5d3b.")
        else:
            colours[category.id] = colour_value(raw)
    return colours, errors


@bp.route(MANAGE + "/onsite-settings", methods=["GET", "POST"])
@requires("badge.print_bulk", load={})
def manage_settings(event):
    settings = services.settings_for(event)
    categories = list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                         .order_by(Category.position, Category.id)))
    form = settings_form(letters.LANGUAGES, event.languages or ["en"])
    if request.method == "GET":
        show_settings(form, settings, event.languages or ["en"])
    colours, colour_errors = _colours(settings, categories)
    if form.validate_on_submit() and not colour_errors:
        data = dict(posted_texts(form), badge_size=BadgeSize(form.badge_size.data),
                    badge_languages=posted_badge_languages(form), desk_photos=bool(form.desk_photos.data),
                    category_colours={str(cid): colour for cid, colour in colours.items()})
        if run_service(lambda: services.update_settings(event, data, actor=current_user), form=form,
                       done=_("Badge and letter settings saved.")):
            return redirect(url_for("checkin.manage_settings", slug=event.slug))
    return render_template("checkin/settings.html", event=event, form=form, categories=categories, colours=colours,
                           colour_errors=colour_errors, placeholders=letters.PLACEHOLDERS,
                           setting_labels={name: label for name, (label, _size, _long) in TRANSLATED_SETTINGS.items()},
                           title=_("Badge and letter settings"))


# --- Visa-support letters ----------------------------------------------------------------

@bp.route(MANAGE + "/visa-letters")
@requires("visa_letter.manage", load={})
def manage_letters(event):
    search = request.args.get("q", "")[:100]
    waiting = Page(letters.waiting_query(event, search), page=page_number(), per_page=PER_PAGE,
                   count_column=Registration.id)
    issued = Page(letters.letters_query(event, search), page=page_number("letters_page"), per_page=PER_PAGE,
                  count_column=VisaLetter.id)
    link_filters = {"q": search} if search else {}
    return render_template("checkin/letters.html", event=event, waiting=waiting, letters=issued, search=search,
                           link_filters=link_filters,
                           ready=letters.any_issuable(event, seen=waiting.items,
                                                      seen_all=not search and waiting.exact
                                                      and waiting.total == len(waiting.items)),
                           status=letters.letter_status, may_issue=letters.may_issue, pick=services.pick_token,
                           pick_form=PickForm(), reason_form=ReasonForm(), form=EmptyForm(),
                           title=_("Visa-support letters"))


@bp.route(MANAGE + "/visa-letters/issue", methods=["POST"])
@requires("visa_letter.manage", load={})
def letter_issue(event):
    registration = registration_from_posted_pick(event)
    run_service(lambda: letters.issue_letter(registration, actor=current_user),
                done=lambda letter: _("Letter %(reference)s issued to %(name)s.", reference=letter.reference,
                                      name=letter.holder_name))
    return redirect(url_for("checkin.manage_letters", slug=event.slug))


@bp.route(MANAGE + "/visa-letters/issue-all", methods=["POST"])
@requires("visa_letter.manage", load={})
def letter_issue_all(event):
    if not EmptyForm().validate_on_submit():
        abort(400)
    run_service(lambda: letters.issue_waiting(event, actor=current_user),
                done=lambda issued: ngettext("%(num)d letter issued.", "%(num)d letters issued.", len(issued)))
    return redirect(url_for("checkin.manage_letters", slug=event.slug))


@bp.route(MANAGE + "/visa-letters/<public_id>/revoke", methods=["POST"])
@requires("visa_letter.manage", load={"letter": in_event(VisaLetter, "public_id", by=VisaLetter.public_id)})
def letter_revoke(event, letter):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    run_service(lambda: letters.revoke_letter(letter, actor=current_user, reason=form.reason.data or ""),
                done=lambda _r: _("Letter %(reference)s revoked.", reference=letter.reference))
    return redirect(url_for("checkin.manage_letters", slug=event.slug))


@bp.route(MANAGE + "/visa-letters/<public_id>.pdf")
@requires("visa_letter.manage", load={"letter": in_event(VisaLetter, "public_id", by=VisaLetter.public_id)})
def letter_pdf(event, letter):
    try:
        body = letters.letter_pdf(letter, request.args.get("lang", "en"))
    except services.OnsiteError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("checkin.manage_letters", slug=event.slug))
    return pdf(body, f"visa-letter-{letter.reference}.pdf")
