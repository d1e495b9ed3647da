"""On-site operations: badges, the check-in desk and visa-support letters."""
from flask import Blueprint

bp = Blueprint("checkin", __name__, template_folder="templates")
