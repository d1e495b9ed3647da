"""Agenda pages: the organiser's timetable editor and the public agenda with its feeds.

Each module attaches its routes to the agenda blueprint `bp`; importing this package
attaches them all.
"""
from app.agenda.views import public, publication, sessions, structure, timetable  # noqa: F401
