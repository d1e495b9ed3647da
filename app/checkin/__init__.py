"""On-site operations and the delegate's own pages: badges, the check-in desk,
visa-support letters and the personal agenda with session sign-up."""
from flask import Blueprint

bp = Blueprint("checkin", __name__, template_folder="templates")
