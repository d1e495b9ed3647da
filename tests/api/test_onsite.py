"""Check-in, visa-support letters and badges through the API."""
from __future__ import annotations

import io
from datetime import date

from PIL import Image

from app.checkin import services as checkin_services
from app.checkin.services.letters import letter_token
from app.extensions import db
from app.registration import services as registration_services
from tests.api.support import bearer, personal_token, service_token
from tests.factories import grant, make_user

BASE = "/api/v1/events/astana"


def token(world, role, scope="read_write"):
    user = make_user()
    grant(user, world.event, role)
    db.session.commit()
    return personal_token(user, world.event, scope=scope)


def approved_with_photo(world, **details):
    registration = world.registration(**details)
    picture = io.BytesIO()
    Image.new("RGB", (300, 400), (30, 110, 160)).save(picture, "JPEG")
    registration_services.replace_photo(registration, picture.getvalue(), actor=registration.user)
    registration_services.approve_registration(registration, actor=world.organiser)
    db.session.commit()
    return registration


def test_scan_list_and_counts(client, world):
    registration = approved_with_photo(world)
    code = checkin_services.token_for(checkin_services.ensure_badge(registration), world.event)
    db.session.commit()
    desk = token(world, "checkin")
    first = client.post(f"{BASE}/checkins", headers=bearer(desk), json={"code": code, "confirmed": True})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["status"] == "admitted" and first.get_json()["registration_id"] == registration.id
    again = client.post(f"{BASE}/checkins", headers=bearer(desk), json={"code": code, "confirmed": True})
    assert again.get_json()["status"] == "already"
    bogus = client.post(f"{BASE}/checkins", headers=bearer(desk), json={"code": "ZZZZ-9999"})
    assert bogus.status_code == 200 and bogus.get_json()["status"] in ("invalid", "refused")
    listed = client.get(f"{BASE}/checkins", headers=bearer(desk)).get_json()
    assert [c["registration_id"] for c in listed["items"]] == [registration.id]
    assert client.get(f"{BASE}/checkins", headers=bearer(desk), query_string={"limit": -9680}).status_code == 422
    counts = client.get(f"{BASE}/checkins/counts", headers=bearer(desk)).get_json()
    assert counts["checked_in"] == 1 and counts["approved"] == 1
    for role in ("protocol", "programme", "viewer"):
        assert client.post(f"{BASE}/checkins", headers=bearer(token(world, role)), json={"code": code}).status_code \
            == 403
    assert client.post(f"{BASE}/checkins", headers=bearer(token(world, "checkin", scope="read")),
                       json={"code": code}).status_code == 403


def test_visa_letters_issue_status_and_verify(client, world):
    registration = approved_with_photo(world, visa_letter_needed=True, passport_number="N1234567",
                                       passport_expiry=date(2031, 1, 31), date_of_birth=date(1980, 5, 17),
                                       place_of_birth="Almaty")
    officer = token(world, "accreditation")
    url = f"{BASE}/registrations/{registration.id}/visa-letter"
    assert client.get(url, headers=bearer(officer)).status_code == 404
    issued = client.post(url, headers=bearer(officer))
    assert issued.status_code == 201 and issued.get_json()["status"] == "valid"
    assert client.get(url, headers=bearer(officer)).get_json()["reference"] == issued.get_json()["reference"]
    # The delegate's own token reads their letter; the protocol officer may not.
    assert client.get(url, headers=bearer(personal_token(registration.user, world.event))).status_code == 200
    assert client.get(url, headers=bearer(token(world, "protocol"))).status_code == 403
    letter = checkin_services.current_letter(registration)
    verified = client.get(f"/api/v1/visa-letters/verify/{letter_token(letter)}")
    assert verified.status_code == 200 and verified.get_json()["holder_name"]
    assert verified.headers["Access-Control-Allow-Origin"] == "*"
    forged = client.get("/api/v1/visa-letters/verify/forged-token")
    assert forged.status_code == 404 and forged.get_json()["error"]["message"]
    # Not approved: the domain's refusal is a conflict.
    pending = world.registration("Other", "Person", visa_letter_needed=True)
    assert client.post(f"{BASE}/registrations/{pending.id}/visa-letter", headers=bearer(officer)).status_code == 409


def test_badge_pdf(client, world):
    registration = approved_with_photo(world)
    pending = world.registration("Other", "Person")
    maker = make_user()
    grant(maker, world.event, "secretariat")
    printer = service_token(maker, world.event, ["badge.print_bulk"])
    response = client.get(f"{BASE}/registrations/{registration.id}/badge.pdf", headers=bearer(printer))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    own = personal_token(registration.user, world.event, scope="read")
    assert client.get(f"{BASE}/registrations/{registration.id}/badge.pdf", headers=bearer(own)).status_code == 200
    assert client.get(f"{BASE}/registrations/{pending.id}/badge.pdf", headers=bearer(own)).status_code == 403
    assert client.get(f"{BASE}/registrations/{pending.id}/badge.pdf", headers=bearer(printer)).status_code == 409
