"""Personal data rights: a person's data as JSON, erasure on request after a grace
period, and anonymisation of an event's personal data some time after it ends.
Each domain exports, erases and anonymises its own data through the functions it
registers in `app/privacy/providers.py`."""
from flask import Blueprint

# cli_group=None: the command is top-level (`flask purge-personal-data`).
bp = Blueprint("privacy", __name__, template_folder="templates", cli_group=None)
