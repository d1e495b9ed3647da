"""The summit's travel footprint: emissions of each counted delegate's trip from the
travel details they give (or an estimate from their delegation's capital), the
versioned factor sets behind them, and the secretariat's report."""
from flask import Blueprint

# cli_group=None: the commands are top-level (`flask footprint-recompute`).
bp = Blueprint("footprint", __name__, template_folder="templates", cli_group=None)
