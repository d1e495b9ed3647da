"""Forms of the organiser's translation pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.validators import ValidationError

from app.organiser.exchange import MAX_FILE_BYTES
from app.utils.forms import select_choices


class ExportForm(FlaskForm):
    """Read from the query string: a download changes nothing."""

    class Meta:
        csrf = False

    lang = SelectField(_l("Into"), validate_choice=True)
    format = RadioField(_l("Format"), default="xliff", validate_choice=True,
                        choices=select_choices([("xliff", _l("XLIFF 1.2 (.xlf)")), ("po", _l("PO (.po)"))]))
    scope = RadioField(_l("Texts"), default="todo", validate_choice=True,
                       choices=select_choices([("todo", _l("Only missing or stale translations")),
                                               ("all", _l("Every text"))]))
    submit = SubmitField(_l("Download"))


class ImportForm(FlaskForm):
    lang = SelectField(_l("Translated into"), validate_choice=True)
    file = FileField(_l("Translated file (XLIFF or PO, at most 2 MB)"), render_kw={"accept": ".xlf,.xliff,.po"})
    submit = SubmitField(_l("Preview the changes"))

    def validate_file(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Choose a file."))
        self.content = upload.stream.read(MAX_FILE_BYTES + 1)
        if len(self.content) > MAX_FILE_BYTES:
            raise ValidationError(_l("The file is too large: at most 2 MB."))
        self.filename = upload.filename


class ConfirmImportForm(FlaskForm):
    """Carries the previewed file back, so what is applied is exactly what was shown."""

    lang = HiddenField()
    filename = HiddenField()
    content = HiddenField()
    submit = SubmitField(_l("Apply these translations"))
