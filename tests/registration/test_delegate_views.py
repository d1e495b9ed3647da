"""The delegate's pages, through HTTP."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import AccountToken, User
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import ApprovalMode, Registration, RegistrationState as S
from app.utils.time import utcnow
from tests.factories import audit_actions, image_bytes, login, make_category, make_user, PASSWORD, told
from tests.registration.conftest import details, form_data


def count(model=Registration):
    return db.session.scalar(select(func.count(model.id)))


def only_registration() -> Registration:
    db.session.expire_all()
    return db.session.scalars(select(Registration)).one()


def state_of(registration) -> S:
    """The registration's state as saved."""
    db.session.expire_all()
    return db.session.get(Registration, registration.id).state


@pytest.fixture
def category(event):
    return make_category(event, "Climate expert / academia")


@pytest.fixture
def delegate(client, db):
    user = make_user(given_name="Aliya", family_name="Serikova", organisation="Nazarbayev University",
                     country="KZ", honorific="Dr")
    db.session.commit()
    login(client, user)
    return user


def test_register_form_is_prefilled_from_the_profile(client, event, category, delegate):
    response = client.get(f"/e/{event.slug}/register")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Nazarbayev University"' in page
    assert 'value="Aliya"' in page
    assert "<option selected value=\"KZ\">" in page or 'value="KZ" selected' in page or "selected value=\"KZ\"" in page


def test_register_logged_in_submits_and_shows_the_status(client, event, category, delegate):
    response = client.post(f"/e/{event.slug}/register", data=form_data(category))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/e/{event.slug}/my-registration")
    registration = only_registration()
    assert (registration.state, registration.user_id, registration.email) == (S.submitted, delegate.id,
                                                                                delegate.email)
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert "Submitted: waiting for review" in page
    assert "The accreditation team reviews your registration" in page


def test_register_twice_in_a_row_keeps_one_registration(client, event, category, delegate):
    first = client.post(f"/e/{event.slug}/register", data=form_data(category))
    second = client.post(f"/e/{event.slug}/register", data=form_data(category))
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.headers["Location"].endswith("/my-registration")
    assert count() == 1


def test_register_without_account_creates_it_and_submits_after_verification(client, event, category):
    data = form_data(category, email="new.delegate@example.org", password=PASSWORD, confirm=PASSWORD)
    response = client.post(f"/e/{event.slug}/register", data=data)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    registration = only_registration()
    assert registration.state == S.draft
    user = User.by_email("new.delegate@example.org")
    assert user is not None and not user.is_verified
    verify = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "verify_email")).one()
    token = re.search(r"/verify/(\S+)", verify.body_text).group(1)
    assert client.get(f"/account/verify/{token}").status_code == 302
    assert only_registration().state == S.submitted
    templates = list(db.session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id)))
    assert templates == ["verify_email", "registration_status"]


def test_register_without_account_for_a_taken_address_creates_nothing(client, event, category):
    make_user("taken@example.org")
    db.session.commit()
    data = form_data(category, email="taken@example.org", password=PASSWORD, confirm=PASSWORD)
    response = client.post(f"/e/{event.slug}/register", data=data)
    assert "Check your email" in response.get_data(as_text=True)
    assert count() == 0
    assert list(db.session.scalars(select(OutboxMessage.template))) == ["account_exists"]


BAD_INPUT = [
    ({"departure_date": "2027-04-19"}, "Departure cannot be before arrival."),
    ({"arrival_date": "2026-01-01"}, "Arrive between a month before the event and its last day."),
    ({"arrival_date": "not a date"}, "Not a valid date value."),
    ({"visa_letter_needed": "y", "passport_number": "N1234567", "passport_expiry": "2020-01-01",
      "date_of_birth": "1980-01-01", "place_of_birth": "Almaty"}, "This passport has expired."),
    ({"visa_letter_needed": "y"}, "Enter your passport number for the visa-support letter."),
    ({"given_name": "A" * 10000}, "Field cannot be longer than 120 characters."),
    ({"dietary": "x" * 10000}, "Field cannot be longer than 500 characters."),
    ({"category_id": "999999"}, "Not a valid choice."),
    ({"category_id": "abc"}, "Not a valid choice."),
    ({"privacy_consent": None}, "You must agree to the privacy notice to register."),
    ({"country": "XX"}, "Select a country from the list."),
    ({"phone": "<script>alert(1)</script>"}, "Use digits, spaces and an optional leading +"),
]


@pytest.mark.parametrize("overrides,error", BAD_INPUT)
def test_register_bad_input_gives_a_field_error(client, event, category, delegate, overrides, error):
    if "category_id" in overrides:  # a tampered category id
        overrides = dict(overrides, category=overrides.pop("category_id"))
    data = form_data(category)
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(f"/e/{event.slug}/register", data=data)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    assert count() == 0


def test_register_into_an_invite_only_category_is_refused(client, event, category, delegate):
    closed = make_category(event, "Government delegation", invite_only=True)
    db.session.commit()
    response = client.post(f"/e/{event.slug}/register", data=form_data(closed))
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert count() == 0


@pytest.mark.parametrize("upload,error", [
    (lambda: (io.BytesIO(b"%PDF-1.4 not an image" * 10), "photo.jpg"), "The photo must be a JPEG or PNG image."),
    (lambda: (io.BytesIO(b"plain text"), "photo.png"), "The photo must be a JPEG or PNG image."),
    (lambda: (io.BytesIO(image_bytes("GIF")), "photo.gif"), "The photo must be a JPEG or PNG image."),
    (lambda: (io.BytesIO(b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024)), "big.jpg"), "The photo is too large"),
])
def test_register_with_a_bad_photo_gives_a_field_error(client, event, category, delegate, upload, error):
    data = form_data(category)
    data["photo"] = upload()
    response = client.post(f"/e/{event.slug}/register", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    assert count() == 0


def test_register_with_a_photo_stores_a_reencoded_jpeg_outside_the_web_root(app, client, event, category,
                                                                           delegate):
    data = form_data(category)
    data["photo"] = (io.BytesIO(image_bytes("PNG")), "../../evil.png")
    assert client.post(f"/e/{event.slug}/register", data=data, content_type="multipart/form-data").status_code == 302
    registration = only_registration()
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", registration.photo_filename)
    stored = app.config["UPLOAD_DIR"] / "photos" / registration.photo_filename
    assert stored.read_bytes()[:3] == b"\xff\xd8\xff"
    response = client.get(f"/e/{event.slug}/registrations/{registration.id}/photo")
    assert (response.status_code, response.mimetype) == (200, "image/jpeg")


def _kept_name(response) -> str:
    found = re.search(r'name="kept_photo" value="([0-9a-f]{32}\.jpg)"', response.get_data(as_text=True))
    return found.group(1) if found else ""


def _send_with_photo(client, event, category, **changes):
    data = form_data(category, **changes)
    data["photo"] = (io.BytesIO(image_bytes("PNG")), "portrait.png")
    return client.post(f"/e/{event.slug}/register", data=data, content_type="multipart/form-data")


def test_a_good_photo_is_kept_while_other_fields_are_corrected(app, client, event, category, delegate):
    response = _send_with_photo(client, event, category, family_name="")
    assert response.status_code == 200 and count() == 0
    assert "We kept the photo you chose." in response.get_data(as_text=True)

    fixed = client.post(f"/e/{event.slug}/register", data={**form_data(category), "kept_photo": _kept_name(response)},
                        content_type="multipart/form-data")
    assert fixed.status_code == 302
    registration = only_registration()
    stored = app.config["UPLOAD_DIR"] / "photos" / registration.photo_filename
    assert stored.read_bytes()[:3] == b"\xff\xd8\xff"
    assert list((app.config["UPLOAD_DIR"] / "photos" / "kept").glob("*.jpg")) == []


def test_a_photo_left_behind_in_an_abandoned_form_is_not_used_later(app, client, event, category, delegate):
    abandoned = _send_with_photo(client, event, category, family_name="")
    assert _kept_name(abandoned)
    page = client.get(f"/e/{event.slug}/register")  # opened afresh, some time later
    assert "We kept the photo" not in page.get_data(as_text=True)
    assert client.post(f"/e/{event.slug}/register", data=form_data(category)).status_code == 302
    assert only_registration().photo_filename == ""
    assert list((app.config["UPLOAD_DIR"] / "photos" / "kept").glob("*.jpg")) == []


def test_sending_a_failing_form_again_and_again_keeps_one_file(app, client, event, category, delegate):
    names = {_kept_name(_send_with_photo(client, event, category, family_name="")) for _ in range(3)}
    assert len(names) == 1
    assert len(list((app.config["UPLOAD_DIR"] / "photos" / "kept").glob("*.jpg"))) == 1


def test_a_kept_photo_is_not_offered_to_another_browser(client, app, event, category, delegate):
    kept = _kept_name(_send_with_photo(client, event, category, family_name=""))
    other = app.test_client()
    login(other, delegate)
    response = other.post(f"/e/{event.slug}/register", data={**form_data(category), "kept_photo": kept})
    assert response.status_code == 302
    assert only_registration().photo_filename == ""


def test_script_in_a_field_is_shown_as_text(client, event, category, delegate):
    client.post(f"/e/{event.slug}/register", data=form_data(category, organisation="<script>alert(1)</script>"))
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_delegates_photo_is_not_found(client, event, category, delegate):
    other = make_user()
    registration = Registration(event_id=event.id, user_id=other.id, category_id=category.id, state=S.submitted,
                                photo_filename="0" * 32 + ".jpg")
    db.session.add(registration)
    db.session.commit()
    assert client.get(f"/e/{event.slug}/registrations/{registration.id}/photo").status_code == 404


def test_my_registration_without_one_offers_to_register(client, event, category, delegate):
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert "You are not registered for this event yet." in page


def test_my_registration_requires_login(client, event):
    response = client.get(f"/e/{event.slug}/my-registration")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_edit_while_pending_saves_the_changes(client, event, category, delegate):
    client.post(f"/e/{event.slug}/register", data=form_data(category))
    data = form_data(category, dietary="Halal")
    del data["category"], data["privacy_consent"]
    response = client.post(f"/e/{event.slug}/my-registration/edit", data=data)
    assert response.status_code == 302
    registration = only_registration()
    assert (registration.dietary, registration.state) == ("Halal", S.submitted)


def test_edit_with_bad_dates_keeps_what_was_saved(client, event, category, delegate):
    client.post(f"/e/{event.slug}/register", data=form_data(category))
    data = form_data(category, departure_date="2027-04-01", dietary="Halal")
    response = client.post(f"/e/{event.slug}/my-registration/edit", data=data)
    assert "Departure cannot be before arrival." in response.get_data(as_text=True)
    registration = only_registration()
    assert (registration.dietary, str(registration.departure_date)) == ("", "2027-04-24")


def test_edit_of_an_approved_name_goes_back_to_review(client, event, delegate):
    auto = make_category(event, "Observer", approval=ApprovalMode.auto)
    db.session.commit()
    client.post(f"/e/{event.slug}/register", data=form_data(auto))
    assert only_registration().state == S.approved
    response = client.post(f"/e/{event.slug}/my-registration/edit", data=form_data(auto, family_name="Serik"),
                           follow_redirects=True)
    assert "accreditation will check your registration again" in response.get_data(as_text=True)
    assert only_registration().state == S.submitted


def test_cancel_with_a_reason(client, event, category, delegate):
    client.post(f"/e/{event.slug}/register", data=form_data(category))
    empty = client.post(f"/e/{event.slug}/my-registration/cancel", data={"reason": ""})
    assert "This field is required." in empty.get_data(as_text=True)
    response = client.post(f"/e/{event.slug}/my-registration/cancel", data={"reason": "Visa refused"})
    assert response.status_code == 302
    registration = only_registration()
    assert (registration.state, registration.cancel_reason) == (S.cancelled, "Visa refused")
    subjects = list(db.session.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id)))
    assert subjects == ["We received your registration", "Your registration is cancelled"]


def test_emails_follow_the_delegates_language(client, event, category, db):
    user = make_user(locale="kk")
    db.session.commit()
    login(client, user)
    client.post(f"/e/{event.slug}/register", data=form_data(category))
    assert list(db.session.scalars(select(OutboxMessage.locale))) == ["kk"]


def test_registration_closed_shows_a_message(client, event, category, delegate):
    from datetime import timedelta

    from app.utils.time import utcnow

    event.registration_closes_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Registration is closed." in page
    client.post(f"/e/{event.slug}/register", data=form_data(category))
    assert count() == 0


def test_unpublished_event_register_page_is_not_found(client, event, category, delegate):
    event.published = False
    db.session.commit()
    assert client.get(f"/e/{event.slug}/register").status_code == 404




def test_every_registration_endpoint_declares_its_protection(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint.startswith("registration.") and not hasattr(view, "_access_rule")]
    assert undeclared == []


@pytest.mark.parametrize("endpoint", ["registration.register", "registration.my_registration",
                                      "registration.manage_list", "registration.manage_invitations",
                                      "registration.manage_delegations", "registration.manage_categories"])
def test_menu_endpoints_take_only_the_slug(app, endpoint):
    from flask import url_for

    with app.test_request_context():
        assert url_for(endpoint, slug="astana-2027").startswith("/e/astana-2027/")


# --- what each action tells the delegate ---------------------------------------------------

def test_cancelling_says_so_or_why_not(client, event, category, delegate):
    mine = f"/e/{event.slug}/my-registration"
    services.create_registration(event, delegate, details(), category=category, actor=delegate)
    db.session.commit()
    client.get(mine)  # shows the welcome

    response = client.post(mine + "/cancel", data={"reason": "Visa refused"})
    assert (response.headers["Location"], told(client, mine)) == (mine, [("info", "Your registration is cancelled.")])
    assert audit_actions()[-1] == "registration.cancelled"

    rejected = services.create_registration(event, delegate, details(), category=category, actor=delegate)
    services.reject_registration(rejected, actor=make_user())
    db.session.commit()
    response = client.post(mine + "/cancel", data={"reason": "Visa refused"})
    assert (response.headers["Location"], told(client, mine)) == (
        mine, [("danger", "A registration that is rejected cannot become cancelled.")])
    assert (state_of(rejected), audit_actions()[-1]) == (S.rejected, "registration.rejected")


def test_taking_an_offered_place_says_so_or_why_not(client, event, category, delegate):
    mine = f"/e/{event.slug}/my-registration"
    registration = services.create_registration(event, delegate, details(), category=category, actor=delegate)
    db.session.commit()
    client.get(mine)  # shows the welcome

    response = client.post(mine + "/accept")
    assert (response.headers["Location"], told(client, mine)) == (
        mine, [("danger", "There is no place on offer for this registration.")])
    registration.state, registration.offered_at = S.waitlisted, utcnow()
    db.session.commit()
    response = client.post(mine + "/accept")
    assert (response.headers["Location"], told(client, mine)) == (
        mine, [("success", "The place is yours: your registration is approved.")])
    assert (state_of(registration), audit_actions()[-1]) == (S.approved, "registration.approved")


def test_kept_photos_are_capped_in_number(app, monkeypatch):
    from app.registration import photos

    monkeypatch.setattr(photos, "MAX_KEPT", 3)
    with app.test_request_context():
        for _ in range(6):
            photos.keep_photo(b"\xff\xd8\xff not really a photo")
        assert len(list((app.config["UPLOAD_DIR"] / "photos" / "kept").glob("*.jpg"))) <= 4


def test_opening_the_status_page_changes_nothing(client, event, category):
    """Submission happens where the address is proven, never because a page was opened."""
    user = make_user(verified=False)
    registration = services.create_registration(event, user, details(), category=category, actor=user)
    user.email_verified_at = utcnow()  # proven behind registration's back: no signal
    db.session.commit()
    login(client, user)
    assert client.get(f"/e/{event.slug}/my-registration").status_code == 200
    assert state_of(registration) == S.draft


@pytest.mark.parametrize("decision, shown, hidden", [
    ("approve", ["/my-registration/edit", "/my-registration/travel", "/my-badge.pdf", "/my-agenda",
                 "/my-registration/cancel"], []),
    ("reject", [], ["/my-registration/edit", "/my-registration/travel", "/my-badge.pdf", "/my-agenda",
                    "/my-registration/cancel"]),
])
def test_the_status_page_offers_what_the_delegate_may_do(client, event, category, delegate, decision, shown,
                                                         hidden):
    client.post(f"/e/{event.slug}/register", data=form_data(category))
    services.decide(only_registration(), decision, actor=make_user(is_admin=True))
    db.session.commit()
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    buttons = re.findall(r'class="btn[^"]*" href="/e/[^/"]+(/[^"]*)"', page)
    assert set(shown) <= set(buttons)
    assert not set(hidden) & set(buttons)
