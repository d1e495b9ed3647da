"""Printed bilaterals: protocol's day sheet of one room and a head's programme of their
delegation, drawn with the same PDF library and Unicode fonts as badges and letters.
The day sheet is for the room's ushers: it names the delegations, level, interpreters
and flags, not the confidential topic; the head's programme shows their own topics."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from app.checkin.badges import new_document
from app.utils.formatting import event_datetime, event_time, local_date

if TYPE_CHECKING:
    from fpdf import FPDF


def _document(title: str) -> FPDF:
    pdf = new_document(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    return pdf


def _row(pdf: FPDF, when: str, lines: list[str]) -> None:
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(45, 7, when)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 7, "\n".join(line for line in lines if line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _flags(bilateral) -> str:
    flags = []
    if bilateral.announced:
        flags.append(_("announced on the public agenda"))
    if bilateral.interpretation and len(bilateral.interpreters) < len(bilateral.interpretation):
        flags.append(_("interpreter still missing"))
    if bilateral.equipment:
        flags.append(_("equipment: %(what)s", what=bilateral.equipment))
    return " · ".join(flags)


def _interpreters(bilateral) -> str:
    if not bilateral.interpreters:
        return ""
    return _("Interpreters: %(names)s", names=", ".join(f"{i.user.display_name} ({i.pair})"
                                                         for i in bilateral.interpreters))


def day_sheet(event, room, day, bilaterals) -> bytes:
    """One bilateral room's meetings of one day."""
    pdf = _document(f"{room.room.name} — {local_date(day)}")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, event.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if not bilaterals:
        pdf.cell(0, 8, _("No bilateral meetings in this room on this day."))
    for b in bilaterals:
        _row(pdf, f"{event_time(b.starts_at, event)}–{event_time(b.ends_at, event)}", [
            f"{b.requester.name} – {b.counterpart.name}",
            _("Level: %(level)s · %(n)d people", level=b.level_label, n=b.requester_size + b.counterpart_size),
            _interpreters(b), _flags(b)])
    return bytes(pdf.output())


def programme(event, delegation, bilaterals) -> bytes:
    """A delegation's agreed and confirmed bilaterals, for its head."""
    pdf = _document(_("Bilateral programme of %(delegation)s", delegation=delegation.name))
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, event.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if not bilaterals:
        pdf.cell(0, 8, _("No bilateral meetings yet."))
    for b in bilaterals:
        other = b.counterpart if b.requester_id == delegation.id else b.requester
        room = b.room.room.name if b.room else _("room to be confirmed")
        _row(pdf, event_datetime(b.starts_at, event, "day_short_time"), [
            _("With %(other)s · %(room)s", other=other.name, room=room),
            _("Level: %(level)s · %(state)s", level=b.level_label, state=b.state_label),
            _("Topic: %(topic)s", topic=b.topic) if b.topic else "", _interpreters(b)])
    return bytes(pdf.output())
