"""The delegate's personal agenda: starred sessions, sign-up for workshops and side
events with their waitlists, the private calendar feed, and the emails that tell
followers what a publication changed."""
from flask import Blueprint

bp = Blueprint("personal", __name__, template_folder="templates")
