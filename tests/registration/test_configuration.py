"""The organisers' configuration: categories, custom questions and settings."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.registration import services
from app.registration.models import ApprovalMode, QuestionKind, Registration
from tests.factories import field_error, grant, login, make_category, make_user
from tests.registration.conftest import form_data


@pytest.fixture
def auto(event):
    return make_category(event, "Observer", approval=ApprovalMode.auto)


def officer(client, event, role="accreditation"):
    user = make_user()
    grant(user, event, role)
    db.session.commit()
    login(client, user)
    return user


def test_custom_questions_are_asked_required_and_exported(client, event, auto):
    trip = services.add_question(event, label="Field trip", kind=QuestionKind.choice,
                                 choices=["Burabay", "City tour"], required=True, position=0, actor=None)
    topics = services.add_question(event, label="Topics", kind=QuestionKind.multi, choices=["Water", "Finance"],
                                   required=False, position=1, actor=None)
    vegan = services.add_question(event, label="First summit?", kind=QuestionKind.yesno, choices=[],
                                  required=False, position=2, actor=None)
    user = make_user()
    db.session.commit()
    login(client, user)
    missing = client.post(f"/e/{event.slug}/register", data=form_data(auto))
    assert "This field is required." in missing.get_data(as_text=True)
    tampered = client.post(f"/e/{event.slug}/register", data=form_data(auto, **{f"q_{trip.id}": "Moon"}))
    assert "Not a valid choice." in tampered.get_data(as_text=True)
    ok = client.post(f"/e/{event.slug}/register", data=form_data(auto, **{
        f"q_{trip.id}": "Burabay", f"q_{topics.id}": ["Water", "Finance"], f"q_{vegan.id}": "yes"}))
    assert ok.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert registration.answers == {str(trip.id): "Burabay", str(topics.id): ["Water", "Finance"],
                                    str(vegan.id): "yes"}
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    client.post("/account/logout")
    login(client, officer)
    rows = list(csv.reader(io.StringIO(client.get(f"/e/{event.slug}/manage/registrations/export.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-3:] == ["Field trip", "Topics", "First summit?"]
    assert rows[1][-3:] == ["Burabay", "Water, Finance", "Yes"]


def test_categories_page_adds_a_category_and_a_question(client, event):
    officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/categories",
                           data={"new-name": "Media", "new-approval": "moderated", "new-capacity": "40",
                                 "new-protocol_rank": "80", "new-active": "y", "new-submit": "Save category"})
    assert response.status_code == 302
    response = client.post(f"/e/{event.slug}/manage/categories",
                           data={"question-label": "Which field trip?", "question-kind": "choice",
                                 "question-choices": "Lake Burabay\nCity tour", "question-submit": "Add question"})
    assert response.status_code == 302
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Media" in page and "Which field trip?" in page and "Lake Burabay" in page



def test_categories_page_refuses_a_choice_question_without_choices(client, event):
    officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/categories",
                           data={"question-label": "Pick", "question-kind": "multi", "question-choices": "only",
                                 "question-submit": "Add question"})
    assert "Give at least two choices, one per line." in response.get_data(as_text=True)


def test_a_second_category_of_the_same_name_is_refused_under_the_name(client, event):
    make_category(event, "Media")
    officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/categories",
                           data={"new-name": "media", "new-approval": "moderated", "new-protocol_rank": "80",
                                 "new-active": "y", "new-submit": "Save category"})
    assert field_error(response, "new-name") == "Another category already has this name."
    assert [c.name for c in services.categories(event)] == ["Media"]
