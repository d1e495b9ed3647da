from flask import Blueprint

bp = Blueprint("organiser", __name__, url_prefix="/e/<slug>/manage", template_folder="templates")

