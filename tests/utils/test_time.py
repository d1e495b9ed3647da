"""The app's clock: what utcnow() answers, and the event-local today."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.utils.time import local_today, utcnow


def test_a_bound_utcnow_sees_the_clock_set_after_the_import(clock):
    clock.set(datetime(2027, 4, 21, 4, 12, tzinfo=UTC))
    assert utcnow() == datetime(2027, 4, 21, 4, 12, tzinfo=UTC)
    clock.advance(minutes=30)
    assert utcnow() == datetime(2027, 4, 21, 4, 42, tzinfo=UTC)


def test_a_set_clock_answers_in_utc_and_refuses_a_naive_moment(clock):
    clock.set(datetime(2027, 4, 21, 9, tzinfo=timezone(timedelta(hours=5))))
    assert (utcnow(), utcnow().tzinfo) == (datetime(2027, 4, 21, 4, tzinfo=UTC), UTC)
    with pytest.raises(ValueError):
        clock.set(datetime(2027, 4, 21, 9))


def test_a_held_clock_is_put_back_after_the_block(clock):
    clock.set(datetime(2027, 4, 21, 4, tzinfo=UTC))
    with clock.at(datetime(2027, 1, 14, 5, tzinfo=UTC)):
        assert utcnow().date() == date(2027, 1, 14)
    assert utcnow() == datetime(2027, 4, 21, 4, tzinfo=UTC)


def test_an_unset_clock_follows_the_system_clock(clock):
    clock.set(datetime(2027, 4, 21, 4, tzinfo=UTC))
    clock.reset()
    before = datetime.now(UTC)
    assert before <= utcnow() <= datetime.now(UTC)


def test_today_is_the_date_on_the_event_wall_clock(clock):
    clock.set(datetime(2027, 4, 20, 20, tzinfo=UTC))  # 01:00 the next day in Astana
    assert (local_today("Asia/Almaty"), local_today("Europe/London")) == (date(2027, 4, 21), date(2027, 4, 20))
