"""The audit log names its actions in words, in the reader's language."""
from __future__ import annotations

import pytest

from app.audit.services import record
from app.extensions import db
from tests.factories import grant, login, make_event, make_user, page


@pytest.mark.parametrize("lang, options, cells", [
    ("en", ["All", "Invitation sent", "Registration approved"], ["Registration approved", "Invitation sent"]),
    ("ru", ["Все", "Заявка одобрена", "Приглашение отправлено"], ["Заявка одобрена", "Приглашение отправлено"]),
])
def test_audit_filter_and_entries_show_readable_action_names(client, lang, options, cells):
    event = make_event()
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    record(actor=secretariat, action="invitation.create", event=event, object_type="Invitation", object_id=1)
    record(actor=secretariat, action="registration.approved", event=event, object_type="Registration",
           object_id=1)
    db.session.commit()
    login(client, secretariat)
    doc = page(client.get(f"/e/{event.slug}/manage/audit?lang={lang}"))
    assert [o.text_content() for o in doc.xpath('//select[@id="f-action"]/option')] == options
    values = ["", "invitation.create", "registration.approved"]
    assert doc.xpath('//select[@id="f-action"]/option/@value') == (values if lang == "en" else [values[0], values[2], values[1]])
    assert [td.text_content().strip() for td in doc.xpath("//tbody/tr/td[3]")] == cells


def test_registration_history_and_audit_log_share_one_naming():
    from app.audit.labels import action_label
    from app.registration.labels import history_label

    assert history_label is action_label
    assert action_label("registration.travel") == "Travel details updated"
    assert action_label("something.new_thing") == "Something new thing"
