"""The agenda page's sessions, one list item each, written in Python.

A summit's agenda page holds some three hundred sessions and is rendered afresh after
every change. Written as a Jinja loop, each item cost some fifty microseconds (thirty
interpolations, each escaped and looked up through the template's runtime): most of
the page's rendering. Here each item is one formatted string whose every value is
escaped; the page around it stays in the template (`_agenda_body.html`), and so does
every translated word: the labels come in from there, translated once per page.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

from markupsafe import Markup, escape

from app.agenda.services.public import PublicSession
from app.utils.formatting import utc_iso
from app.utils.translated import shown_markup

_ITEM = (
    '<li class="agenda-item track-{track_class}" id="s-{id}" data-track="{track}" data-type="{type}" '
    'data-sdgs=" {sdgs} " data-room="{room}">\n'
    '<div class="agenda-time"><time datetime="{start}" class="local-time" title="{start}">{start_hm}</time>&#8211;'
    '<time datetime="{end}" class="local-time" title="{end}">{end_hm}</time></div>\n'
    '<div class="agenda-body"><h3 class="h6 mb-1"><a href="{url}">{title}</a></h3>\n'
    '<div class="small"><span class="badge text-bg-light">{type_label}</span> {room_name}{details}</div>'
    '{speakers}</div>{star}</li>'
)


# Items already written, per publication, language and addresses (the `reuse` key): after a
# change that keeps the publication (a speaker confirms), only the sessions whose speakers
# changed are written again. Bounded: a few publications and languages per process. Items
# are kept as UTF-8 (an item of mostly ASCII markup takes half the memory of the text).
_WRITTEN: OrderedDict[Hashable, dict[int, tuple[tuple, bytes]]] = OrderedDict()
_WRITTEN_MAX = 12
_written_lock = threading.Lock()


def clear_written() -> None:
    """Forget the items written (tests start from an empty database)."""
    with _written_lock:
        _WRITTEN.clear()


def session_items(*, page_lang: str, session_url_prefix: str, mark_prefix: str, type_labels: Mapping[str, str],
                  room_names: Mapping[int, Markup], track_names: Mapping[int, Markup],
                  sdg_badges: Mapping[int, str], by_invitation: str, signup_required: str,
                  add_star: str, reuse: Hashable | None = None) -> Callable[[PublicSession], Markup]:
    """A function writing one session's list item, with what every item shares bound once.

    `reuse`: a key naming everything an item shows but the session and its speakers (the
    publication, whose snapshot never changes, and so its rooms' and tracks' names; the
    page's language and so every label). Items written under the same key are reused while
    the session's speakers are the same."""
    by_invitation_badge = f' <span class="badge text-bg-secondary">{escape(by_invitation)}</span>'
    signup_badge = f' <span class="badge text-bg-info">{escape(signup_required)}</span>'
    badges = {n: f'<span class="badge sdg-badge">{escape(text)}</span>' for n, text in sdg_badges.items()}
    labels = {value: str(escape(label)) for value, label in type_labels.items()}
    url_prefix, mark_prefix = str(escape(session_url_prefix)), str(escape(mark_prefix))
    star_label = escape(add_star)

    # Sessions share their start and end times (a few dozen slots for hundreds of sessions):
    # each time is written once per page.
    times: dict = {}

    def moment(value) -> str:
        known = times.get(value)
        if known is None:
            known = times[value] = str(escape(utc_iso(value)))
        return known

    def clock(value) -> str:
        known = times.get(("hm", value))
        if known is None:
            known = times[("hm", value)] = f"{value.hour:02d}:{value.minute:02d}"
        return known

    def write(s: PublicSession) -> Markup:
        track_id = int(s.track["id"]) if s.track else ""
        room_id = int(s.room["id"])
        room_name = room_names[room_id] if room_id in room_names else shown_markup(s.room["name"], page_lang)
        details = []
        if s.track:
            details.append(f' · <span class="track-name">{track_names[track_id]}</span>')
        if s.sdgs:
            details.append(" " + "".join(badges.get(n, '<span class="badge sdg-badge"></span>') for n in s.sdgs))
        if s.restricted:
            details.append(by_invitation_badge)
        if s.signup_required:
            details.append(signup_badge)
        speakers = ""
        if s.speakers:
            speakers = '\n<div class="small agenda-speakers">' + ", ".join(
                f"{escape(p.name)} ({escape(p.organisation)})" if p.organisation else str(escape(p.name))
                for p in s.speakers) + "</div>"
        star = ""
        if s.type != "break":
            star = (f'\n<form method="post" action="{mark_prefix}{s.id}/mark" class="star-form no-print" '
                    f'data-session="{s.id}"><button class="btn btn-link star-button" aria-label="{star_label}" '
                    f'title="{star_label}">&#9734;</button></form>')
        session_type = str(escape(s.type))
        session_id = int(s.id)
        return Markup(_ITEM.format(
            track_class=track_id or 0, id=session_id, track=track_id, type=session_type,
            sdgs=" ".join(str(int(n)) for n in s.sdgs), room=room_id, start=moment(s.starts_at),
            end=moment(s.ends_at), start_hm=clock(s.local_start), end_hm=clock(s.local_end),
            url=f"{url_prefix}{session_id}", title=shown_markup(s.title, page_lang),
            type_label=labels.get(s.type, session_type), room_name=room_name, details="".join(details),
            speakers=speakers, star=star))

    if reuse is None:
        return write
    key = (reuse, page_lang, session_url_prefix, mark_prefix)
    with _written_lock:
        written = _WRITTEN.get(key)
        if written is None:
            written = _WRITTEN[key] = {}
            while len(_WRITTEN) > _WRITTEN_MAX:
                _WRITTEN.popitem(last=False)
        else:
            _WRITTEN.move_to_end(key)

    def item(s: PublicSession) -> Markup:
        speakers = tuple((p.name, p.organisation) for p in s.speakers)
        known = written.get(s.id)
        if known is not None and known[0] == speakers:
            return Markup(known[1].decode())
        html = write(s)
        written[s.id] = (speakers, html.encode())
        return html

    return item
