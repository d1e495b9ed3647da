"""Bilateral meetings between delegations: requests and answers, slots that fit both
sides, rooms booked by protocol, interpreters, and confidentiality throughout."""
from flask import Blueprint

bp = Blueprint("bilaterals", __name__, template_folder="templates")
