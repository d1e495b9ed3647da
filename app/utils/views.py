"""The act -> commit -> tell step that every domain's views share."""
from __future__ import annotations

from flask import flash

from app.extensions import db
from app.utils.refusals import Refusal


def show_refusal(form, error, field: str | None = None) -> None:
    """Put a service's refusal on `form`: under the field it names (`error.field`), else
    under `field`, else above the form."""
    message = str(error.message)
    field = getattr(error, "field", None) or field
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = list(target.errors) + [message]
    else:
        form.form_errors.append(message)


def run_service(call, refusal=Refusal, *, form=None, field: str | None = None, done=None,
                category: str = "success") -> bool:
    """Run the service `call` and commit; True when it went through.

    A refusal (`refusal`: any `Refusal` unless narrowed to a class or a tuple) is rolled
    back and shown: on `form` (see `show_refusal`; `field` is where one that names
    no field goes), or flashed as "danger" when there is no form. After the commit, `done` is flashed with `category`: a
    text, or a function of what `call` returned (called after the commit, so
    it reads the saved rows); nothing when it is None or gives an empty text.
    """
    try:
        result = call()
    except refusal as error:
        db.session.rollback()
        if form is None:
            flash(str(error.message), "danger")
        else:
            show_refusal(form, error, field)
        return False
    db.session.commit()
    message = done(result) if callable(done) else done
    if message:
        flash(message, category)
    return True
