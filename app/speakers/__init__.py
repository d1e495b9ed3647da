"""Speakers: assignments of people to agenda sessions, the speaker portal and the
public speaker directory."""
from flask import Blueprint

bp = Blueprint("speakers", __name__, template_folder="templates")
