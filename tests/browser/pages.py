"""Every page the browser sweep checks (axe-core accessibility rules and no
sideways scrolling on a 360 px phone), each in English and in Russian.

To add a page, add one line to PAGES:

    Page("programme", "/e/astana-2027/manage/agenda"),

The account is a demo account's name before "@example.org" (all have the
password "summit-demo"), or None for a visitor who is not logged in. A path may
use the placeholders of `live_server.values` ({reset_token}, {user_id},
{message_id}, {registration_id}, {category_id}, {delegation_id}, {held_place_id},
{invitation_token}, {question_id}, {session_id}, {room_id}, {track_id}, {speaker_id},
{assignment_id}, {invited_assignment_id}, {speaker_session_id}, {answer_token},
{door_id}, {letter_token}, {revoked_letter_token}: see conftest.py);
`submit` names a button to press first, to check the page with the form's
validation errors (the test expects at least one field marked aria-invalid);
`status` is the HTTP status the page answers with; `fresh` opens the page in a
browser of its own, for pages that leave something in the visitor's session.
"""
from __future__ import annotations

from typing import NamedTuple

DEMO_SLUG = "astana-2027"
EVENT = f"/e/{DEMO_SLUG}"
MANAGE = f"{EVENT}/manage"


class Page(NamedTuple):
    account: str | None
    path: str
    submit: str | None = None
    status: int = 200
    fresh: bool = False

    @property
    def id(self) -> str:
        who = self.account or "visitor"
        return f"{who}:{self.path}" + (":submitted" if self.submit else "")


SUBMIT = "main form[method=post] [type=submit]"

PAGES: list[Page] = [
    # Public pages and accounts
    Page(None, "/"),
    Page(None, f"{EVENT}/"),
    Page(None, "/account/login"),
    Page(None, "/account/signup"),
    Page(None, "/account/signup", submit=SUBMIT),
    Page(None, "/account/forgot"),
    Page(None, "/account/reset/{reset_token}"),
    Page(None, "/no-such-page", status=404),
    Page("viewer", "/account/profile"),
    Page("viewer", "/account/password"),
    Page("viewer", "/account/email"),
    Page("delegate", "/account/api-tokens"),
    Page("delegate", "/account/api-tokens", submit=SUBMIT),
    Page("viewer", f"{EVENT}/"),
    # The public agenda
    Page(None, f"{EVENT}/agenda"),
    Page(None, f"{EVENT}/agenda?q=water"),
    Page(None, f"{EVENT}/sessions/{{session_id}}"),
    Page("delegate", f"{EVENT}/agenda"),
    # The public participant list: all of it, a search with an unknown country, an organiser's view
    Page(None, f"{EVENT}/participants"),
    Page(None, f"{EVENT}/participants?q=water&country=XX"),
    Page("accreditation", f"{EVENT}/participants?country=KZ"),
    # Registration: a visitor, a logged-in person without a registration, a delegate
    Page(None, f"{EVENT}/register"),
    Page(None, f"{EVENT}/register", submit=SUBMIT),
    Page(None, f"{EVENT}/privacy"),
    Page(None, f"{EVENT}/invitation/{{invitation_token}}", fresh=True),
    Page(None, f"{EVENT}/invitation/not-a-valid-token", status=404),
    Page("viewer", f"{EVENT}/register"),
    Page("viewer", f"{EVENT}/my-registration"),
    Page("delegate", f"{EVENT}/my-registration"),
    Page("delegate", f"{EVENT}/my-registration/edit"),
    Page("delegate", f"{EVENT}/my-registration/cancel"),
    Page("delegate", f"{EVENT}/my-registration/travel"),
    # The head of a delegation
    Page("pk.focal", f"{EVENT}/my-registration"),
    Page("pk.focal", f"{EVENT}/delegations/{{delegation_id}}"),
    Page("pk.focal", f"{EVENT}/delegations/{{delegation_id}}/places/{{held_place_id}}/replace"),
    # Organiser area
    Page("checkin", f"{MANAGE}/"),
    Page("secretariat", f"{MANAGE}/"),
    # Each role's dashboard, the reports and personal data
    Page("secretariat", f"{MANAGE}/dashboard/secretariat"),
    Page("accreditation", f"{MANAGE}/"),
    Page("programme", f"{MANAGE}/"),
    Page("protocol", f"{MANAGE}/"),
    Page("checkin", f"{MANAGE}/dashboard/checkin"),
    Page("viewer", f"{MANAGE}/"),
    Page("secretariat", f"{MANAGE}/reports"),
    Page("protocol", f"{MANAGE}/reports"),
    Page("secretariat", f"{MANAGE}/privacy"),
    Page("delegate", "/account/erase"),
    Page("secretariat", f"{MANAGE}/settings"),
    Page("secretariat", f"{MANAGE}/translations"),
    Page("secretariat", f"{MANAGE}/team"),
    Page("secretariat", f"{MANAGE}/audit"),
    Page("secretariat", f"{MANAGE}/api-tokens"),
    Page("secretariat", f"{MANAGE}/webhooks"),
    Page("secretariat", f"{MANAGE}/webhooks", submit=SUBMIT),
    # Registration and accreditation
    Page("accreditation", f"{MANAGE}/registrations"),
    Page("accreditation", f"{MANAGE}/registrations?state=submitted&sort=name"),
    Page("accreditation", f"{MANAGE}/registrations/{{registration_id}}"),
    Page("protocol", f"{MANAGE}/registrations/{{registration_id}}"),
    Page("accreditation", f"{MANAGE}/invitations"),
    Page("accreditation", f"{MANAGE}/delegations"),
    Page("protocol", f"{MANAGE}/delegations"),
    Page("accreditation", f"{MANAGE}/delegations/{{delegation_id}}"),
    Page("accreditation", f"{EVENT}/delegations/{{delegation_id}}"),
    Page("accreditation", f"{MANAGE}/categories"),
    Page("accreditation", f"{MANAGE}/categories/{{category_id}}"),
    Page("accreditation", f"{MANAGE}/questions/{{question_id}}"),
    # Travel footprint: the secretariat's report with its choices, a viewer's (groups folded)
    Page("secretariat", f"{MANAGE}/footprint"),
    Page("viewer", f"{MANAGE}/footprint"),
    # Agenda
    Page("programme", f"{MANAGE}/agenda"),
    Page("programme", f"{MANAGE}/agenda?day=2027-04-22"),
    Page("programme", f"{MANAGE}/agenda/list"),
    Page("programme", f"{MANAGE}/agenda/conflicts"),
    Page("programme", f"{MANAGE}/agenda/rooms"),
    Page("programme", f"{MANAGE}/agenda/rooms/new"),
    Page("programme", f"{MANAGE}/agenda/rooms/{{room_id}}"),
    Page("programme", f"{MANAGE}/agenda/tracks"),
    Page("programme", f"{MANAGE}/agenda/tracks/{{track_id}}"),
    Page("programme", f"{MANAGE}/agenda/sessions/new"),
    Page("programme", f"{MANAGE}/agenda/sessions/new", submit=SUBMIT),
    Page("programme", f"{MANAGE}/agenda/sessions/{{session_id}}"),
    Page("programme", f"{MANAGE}/agenda/sessions/{{session_id}}/move"),
    Page("programme", f"{MANAGE}/agenda/publish"),
    Page("viewer", f"{MANAGE}/agenda"),
    Page("viewer", f"{MANAGE}/agenda/sessions/{{session_id}}"),
    # Speakers: the public directory, the emailed answer link, the speaker portal
    Page(None, f"{EVENT}/speakers"),
    Page(None, f"{EVENT}/speakers/{{speaker_id}}"),
    Page(None, f"{EVENT}/speaker/answer/{{answer_token}}"),
    Page(None, f"{EVENT}/speaker/answer/{{answer_token}}", submit="main form [name=accept]", fresh=True),
    Page(None, f"{EVENT}/speaker/answer/not-a-valid-link", status=404),
    Page("speaker", f"{EVENT}/speaker/"),
    Page("speaker", f"{EVENT}/speaker/sessions/{{assignment_id}}"),
    Page("speaker", f"{EVENT}/speaker/sessions/{{invited_assignment_id}}"),
    Page("speaker", f"{EVENT}/speaker/profile"),
    Page("speaker", f"{EVENT}/speaker/travel"),
    # Speakers: the organisers
    Page("programme", f"{MANAGE}/speakers"),
    Page("programme", f"{MANAGE}/speakers?state=invited&q=water"),
    Page("programme", f"{MANAGE}/speakers/sessions"),
    Page("programme", f"{MANAGE}/speakers/proposals"),
    Page("programme", f"{MANAGE}/speakers/people/{{speaker_id}}"),
    Page("programme", f"{MANAGE}/speakers/sessions/{{speaker_session_id}}"),
    Page("programme", f"{MANAGE}/speakers/sessions/{{speaker_session_id}}?q=lindqvist"),
    Page("programme", f"{MANAGE}/speakers/sessions/{{speaker_session_id}}",
         submit="main form[action$='/invite'] [type=submit]"),
    Page("programme", f"{MANAGE}/speakers/sessions/{{speaker_session_id}}",
         submit="main form[action$='/answer'] [type=submit]"),
    # On site: the delegate's agenda, sign-ups, badge and letter; letter verification
    Page("delegate", f"{EVENT}/my-agenda"),
    Page("viewer", f"{EVENT}/my-agenda"),
    Page(None, "/verify/{letter_token}"),
    Page(None, "/verify/{revoked_letter_token}"),
    Page(None, "/verify/not-a-valid-token", status=404),
    # On site: the check-in desk and its doors, badges, visa-support letters
    Page("checkin", f"{MANAGE}/checkin"),
    Page("checkin", f"{MANAGE}/checkin?session={{door_id}}"),
    Page("checkin", f"{MANAGE}/checkin/desks"),
    Page("accreditation", f"{MANAGE}/badges"),
    Page("accreditation", f"{MANAGE}/badges?q=serikova"),
    Page("accreditation", f"{MANAGE}/visa-letters"),
    Page("accreditation", f"{MANAGE}/onsite-settings"),
    # Platform administration
    # Bilateral meetings (the demo has one in every state)
    Page("pk.focal", f"{EVENT}/bilaterals"),
    Page("pk.focal", f"{EVENT}/bilaterals/new"),
    Page("pk.focal", f"{EVENT}/bilaterals/new", submit=SUBMIT),
    Page("kz.head", f"{EVENT}/my-agenda"),
    Page("protocol", f"{MANAGE}/bilaterals"),
    Page("protocol", f"{MANAGE}/bilaterals?state=bumped"),
    Page("protocol", f"{MANAGE}/bilaterals/rooms"),
    Page("protocol", f"{MANAGE}/bilaterals/rules"),
    Page("protocol", f"{MANAGE}/bilaterals/today?day=2027-04-22"),
    Page("accreditation", f"{MANAGE}/bilaterals/interpreters"),
    Page("admin", "/admin/"),
    Page("admin", "/admin/users/{user_id}"),
    Page("admin", "/admin/events"),
    Page("admin", "/admin/outbox"),
    Page("admin", "/admin/outbox/{message_id}"),
    Page("admin", "/admin/audit"),
]

LANGUAGES = ("en", "ru")
