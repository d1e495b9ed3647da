"""Delegate registration and accreditation: categories, the delegate's form,
officer review, capacity and waitlist, invitations and delegations."""
from flask import Blueprint

# cli_group=None: the commands are top-level (`flask purge-passports`).
bp = Blueprint("registration", __name__, template_folder="templates", cli_group=None)
