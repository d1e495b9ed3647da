"""Agenda pages (built out by the agenda work)."""
