"""What others see of speakers (app/speakers/views/public.py): the public agenda and
directory, profiles and photos, and constant query counts."""
from __future__ import annotations

import io
import json

import pytest
from flask import g
from sqlalchemy import select

from app.accounts.models import User
from app.agenda import cache
from app.extensions import db
from app.speakers import services as svc
from app.speakers.models import AssignmentRole as R, AssignmentState as S, SpeakerAssignment
from tests.factories import image_bytes, login, page as html
from tests.speakers.conftest import assign, exe_bytes, make_speaker, no_inline_code, page_text, publish


# --- the public side ----------------------------------------------------------------

def test_declined_or_withdrawn_speaker_disappears_from_the_public_agenda_and_feeds(client, summit):
    event, (water, *_rest) = summit
    assign(water, make_speaker(given_name="Stays", family_name="Here"), state=S.accepted, position=1,
                   role=R.panelist)
    leaves = assign(water, make_speaker(given_name="Leaves", family_name="Soon"), state=S.accepted, position=0,
                    role=R.chair)
    assign(water, make_speaker(given_name="Never", family_name="Said"), state=S.declined)
    db.session.commit()
    publish(event)

    page = page_text(client.get(f"/e/astana/sessions/{water.id}"))
    assert page.index("Leaves Soon") < page.index("Stays Here")
    assert "Chair / moderator" in page and "Never Said" not in page

    login(client, leaves.user)
    response = client.post(f"/e/astana/speaker/sessions/{leaves.id}/withdraw",
                           data={"withdraw-reason": "A ministerial visit"})
    assert response.status_code == 302
    client.post("/account/logout")

    page = page_text(client.get(f"/e/astana/sessions/{water.id}"))
    assert ("Stays Here" in page, "Leaves Soon" in page) == (True, False)
    persons = [e["persons"] for day in json.loads(client.get("/e/astana/schedule.json").data)["schedule"][
        "conference"]["days"] for room in day["rooms"].values() for e in room if e["id"] == water.id][0]
    assert [(p["public_name"], p["role"]) for p in persons] == [("Stays Here", "panelist")]
    ics = page_text(client.get("/e/astana/agenda.ics"))
    assert "Stays Here (Panelist)" in ics.replace("\r\n ", "")
    assert "Leaves Soon" not in ics
    xml = page_text(client.get("/e/astana/schedule.xml"))
    assert ">Stays Here</person>" in xml and "Leaves Soon" not in xml


def test_speaker_directory_lists_confirmed_speakers_with_profile_pages(client, summit):
    event, (water, finance, _w) = summit
    confirmed = assign(water, make_speaker(given_name="Zarina", family_name="Nazarova", country="TJ"),
                       state=S.accepted, role=R.presenter)
    svc.profile_for(event, confirmed.user).bio = "Glaciologist on the *Fedchenko* glacier."
    assign(finance, make_speaker(given_name="Only", family_name="Invited"))
    db.session.commit()
    publish(event)

    page = page_text(client.get("/e/astana/speakers"))
    assert ("Zarina Nazarova" in page, "Only Invited" in page, "Tajikistan" in page) == (True, False, True)
    no_inline_code(page)

    profile = page_text(client.get(f"/e/astana/speakers/{confirmed.user_id}"))
    assert "<em>Fedchenko</em>" in profile and "Aral Sea basin cooperation" in profile and "Presenter" in profile
    invited = db.session.scalar(select(User).where(User.given_name == "Only"))
    assert client.get(f"/e/astana/speakers/{invited.id}").status_code == 404


@pytest.mark.parametrize(("lang", "shown"), [("ru", "Г-жа Amina Diallo"), ("kk", "Ханым Amina Diallo")])
def test_speaker_directory_prints_the_short_title_before_the_name(client, summit, lang, shown):
    event, (water, *_rest) = summit
    assign(water, make_speaker(honorific="Ms", given_name="Amina", family_name="Diallo"), state=S.accepted)
    db.session.commit()
    publish(event)

    names = [" ".join(h.text_content().split())
             for h in html(client.get(f"/e/astana/speakers?lang={lang}")).xpath("//main//h2")]
    assert shown in names
    assert "(Ms)" not in " ".join(names)


def test_speaker_directory_before_publication_says_speakers_will_be_announced(client, summit):
    _event, (water, *_rest) = summit
    assign(water, make_speaker(), state=S.accepted)
    db.session.commit()

    assert "Speakers will be announced." in page_text(client.get("/e/astana/speakers"))


def test_speaker_photo_is_public_once_listed(client, summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.invited)
    db.session.commit()
    login(client, assignment.user)
    response = client.post("/e/astana/speaker/profile", data={
        "given_name": "Dinara", "family_name": "Sultanbekova", "photo": (io.BytesIO(image_bytes("PNG")), "me.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get(f"/e/astana/speakers/{assignment.user_id}/photo").status_code == 200  # the owner
    client.post("/account/logout")

    assert client.get(f"/e/astana/speakers/{assignment.user_id}/photo").status_code == 404
    svc.accept(db.session.get(SpeakerAssignment, assignment.id), actor=assignment.user)
    db.session.commit()
    publish(event)
    response = client.get(f"/e/astana/speakers/{assignment.user_id}/photo")
    assert (response.status_code, response.mimetype, response.data[:3]) == (200, "image/jpeg", b"\xff\xd8\xff")


def test_speaker_photo_that_is_not_an_image_gets_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/profile", data={
        "given_name": "Dinara", "family_name": "Sultanbekova", "photo": (io.BytesIO(exe_bytes()), "me.jpg")},
        content_type="multipart/form-data")

    assert response.status_code == 200
    assert "The photo must be a JPEG or PNG image." in page_text(response)


# --- query counts -------------------------------------------------------------------------

def _grow(event, sessions, start: int, stop: int) -> None:
    for n in range(start, stop):
        speaker = make_speaker(f"grow{n}@example.org", given_name=f"Speaker{n}", family_name=f"Grow{n}")
        assign(sessions[n % len(sessions)], speaker, state=S.accepted, position=n)
        svc.profile_for(event, speaker).bio = f"Bio {n}"


@pytest.mark.parametrize("kind", ["directory", "session", "profile", "manage_list", "manage_session", "portal"])
def test_speaker_pages_keep_constant_query_counts_as_speakers_grow(client, summit, programme, count_queries,
                                                                   kind):
    event, sessions = summit
    counts = []
    for start, stop in ((0, 3), (3, 30)):
        _grow(event, sessions, start, stop)
        me = db.session.scalar(select(SpeakerAssignment).order_by(SpeakerAssignment.id))
        db.session.commit()
        publish(event)
        cache.clear_memory()
        client.application.extensions["public_page_cache"].forget()
        url = {"directory": "/e/astana/speakers", "session": f"/e/astana/sessions/{sessions[0].id}",
               "profile": f"/e/astana/speakers/{me.user_id}", "manage_list": "/e/astana/manage/speakers",
               "manage_session": f"/e/astana/manage/speakers/sessions/{sessions[0].id}",
               "portal": "/e/astana/speaker/"}[kind]
        if kind.startswith("manage"):
            login(client, programme)
        elif kind == "portal":
            login(client, me.user)
        # Requests share the test's app context, so its per-request cache must be emptied by hand,
        # and so must its database session: whether the logged-in user is still in the identity
        # map depends on what the test holds on to, while a real request always loads them.
        g.pop("policy_cache", None)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
        if kind.startswith("manage") or kind == "portal":
            # (The message it leaves would make the next public page one of this reader's own.)
            client.post("/account/logout")
    assert counts[0] == counts[1]
