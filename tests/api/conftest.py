"""A furnished summit for the API tests: rooms, tracks, a published agenda with a
confirmed speaker, a category and delegates in several states."""
from __future__ import annotations

from datetime import date, time

import pytest

from app.agenda import services as agenda_services
from app.agenda.models import SessionType, Visibility
from app.extensions import db
from app.registration import services as registration_services
from app.registration.models import ApprovalMode
from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment
from app.utils.time import local_to_utc
from tests.factories import make_event, make_user

DAY1 = date(2027, 4, 21)


def at(hour: int, minute: int = 0, day: date = DAY1):
    return local_to_utc(day, time(hour, minute), "Asia/Almaty")


def delegate_details(**overrides) -> dict:
    return {"honorific": "Dr", "given_name": "Aliya", "family_name": "Serikova",
            "organisation": "Nazarbayev University", "position": "Professor", "country": "KZ",
            "nationality": "KZ", "phone": "+7 701 000 00 00", "languages": ["en"],
            "arrival_date": date(2027, 4, 20), "departure_date": date(2027, 4, 24),
            "visa_letter_needed": False, "public_listing": True, **overrides}


class World:
    def __init__(self):
        self.organiser = make_user("organiser@example.org")
        self.event = make_event("astana", start_date=DAY1, end_date=date(2027, 4, 23))
        event = self.event
        self.room = agenda_services.create_room(event, {
            "name": "Plenary", "capacity": 500, "location": "Floor 1", "equipment": "",
            "interpretation_languages": [], "opens_at": time(8), "closes_at": time(20), "position": 0},
            actor=self.organiser)
        self.hall = agenda_services.create_room(event, {
            "name": "Hall A", "capacity": 80, "location": "", "equipment": "", "interpretation_languages": [],
            "opens_at": time(8), "closes_at": time(20), "position": 1}, actor=self.organiser)
        self.track = agenda_services.create_track(event, {"name": "Water security", "colour": "#1565c0",
                                                          "description": "", "sdgs": [], "position": 0},
                                                  actor=self.organiser)
        self.opening = self.session("Opening plenary", 9, 10, room=self.room)
        self.panel = self.session("Water panel", 11, 12, room=self.hall)
        self.speaker = make_user("speaker@example.org", given_name="Bolat", family_name="Akhmetov")
        db.session.add(SpeakerAssignment(event_id=event.id, session_id=self.opening.id, user_id=self.speaker.id,
                                         role=AssignmentRole.keynote, position=0, state=AssignmentState.accepted))
        db.session.flush()
        agenda_services.publish_agenda(event, actor=self.organiser)
        self.category = registration_services.save_category(event, None, {
            "name": "Delegate", "approval": ApprovalMode.moderated, "capacity": None, "protocol_rank": 100,
            "position": 0, "invite_only": False, "active": True}, actor=self.organiser)
        db.session.commit()

    def session(self, title, start, end, *, room, visibility=Visibility.published):
        return agenda_services.create_session(self.event, {
            "title": title, "type": SessionType.panel, "track": self.track, "room": room, "sdgs": [6],
            "starts_at": at(start), "ends_at": at(end), "abstract": "About " + title, "languages": ["en"],
            "capacity": None, "signup_required": False, "visibility": visibility, "category_ids": []},
            actor=self.organiser)

    def registration(self, given="Aliya", family="Serikova", *, approve=False, **details):
        user = make_user(f"{given}.{family}@example.org".lower(), given_name=given, family_name=family)
        registration = registration_services.create_registration(
            self.event, user, delegate_details(given_name=given, family_name=family, **details),
            category=self.category, actor=user)
        if approve:
            registration_services.approve_registration(registration, actor=self.organiser)
        db.session.commit()
        return registration


@pytest.fixture
def world(app):
    return World()
