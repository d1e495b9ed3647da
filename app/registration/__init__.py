"""Delegate registration and accreditation: categories, the delegate's form,
officer review, capacity and waitlist, invitations and delegations."""
from flask import Blueprint

bp = Blueprint("registration", __name__, template_folder="templates")
