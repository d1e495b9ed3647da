"""The shared form fields."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from app.utils.forms import LocalDateTimeField


class EventTimeForm(FlaskForm):
    class Meta:
        csrf = False

    opens_at = LocalDateTimeField("Opens")

    def __init__(self, *args, event=None, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)


class OwnZoneForm(FlaskForm):
    class Meta:
        csrf = False

    timezone = StringField("Zone")
    opens_at = LocalDateTimeField("Opens", zone=lambda form: form.timezone.data)


ASTANA = SimpleNamespace(timezone="Asia/Almaty")  # UTC+5


def test_a_typed_time_is_read_in_the_event_zone_and_held_in_utc(app):
    with app.test_request_context():
        form = EventTimeForm(MultiDict({"opens_at": "2027-04-20T14:30"}), event=ASTANA)
        assert form.validate()
        assert form.opens_at.data == datetime(2027, 4, 20, 9, 30, tzinfo=UTC)


def test_a_stored_moment_is_shown_as_wall_clock_time_in_the_event_zone(app):
    with app.test_request_context():
        form = EventTimeForm(obj=SimpleNamespace(opens_at=datetime(2027, 4, 20, 9, 30, tzinfo=UTC)), event=ASTANA)
        assert 'value="2027-04-20T14:30"' in form.opens_at()
        assert form.opens_at.data == datetime(2027, 4, 20, 9, 30, tzinfo=UTC)


def test_the_zone_may_come_from_a_field_of_the_same_form_and_an_unknown_one_counts_as_utc(app):
    with app.test_request_context():
        form = OwnZoneForm(MultiDict({"timezone": "Asia/Almaty", "opens_at": "2027-04-20T14:30"}))
        assert form.opens_at.data == datetime(2027, 4, 20, 9, 30, tzinfo=UTC)
        form = OwnZoneForm(MultiDict({"timezone": "Mars/Olympus", "opens_at": "2027-04-20T14:30"}))
        assert form.opens_at.data == datetime(2027, 4, 20, 14, 30, tzinfo=UTC)


def test_a_time_that_is_not_one_is_refused_and_shown_back(app):
    with app.test_request_context():
        form = EventTimeForm(MultiDict({"opens_at": "20 April"}), event=ASTANA)
        assert not form.validate()
        assert form.opens_at.data is None
        assert 'value="20 April"' in form.opens_at()
