"""What the agenda learns from the speakers domain, which sits above it.

The agenda may not import the speakers domain, so that domain registers a function
for each question here from its wiring module (`app/speakers/wiring.py`), called by
the app factory. Until one is registered, a question has the empty answer: no
speakers, no speaker conflicts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PublicSpeaker:
    """A confirmed speaker as public pages and feeds show them."""
    id: int
    name: str
    organisation: str = ""
    position: str = ""
    role: str = ""
    role_label: str = ""


@dataclass(frozen=True)
class SpeakerProfileSummary:
    """The public part of a speaker's profile for an event: biography (Markdown) and
    whether there is a photo."""
    bio: str = ""
    has_photo: bool = False


_providers: dict[str, Callable] = {}


def _register(name: str, fn: Callable) -> Callable:
    _providers[name] = fn
    return fn


def register_confirmed_speakers(fn: Callable[..., dict[int, list[PublicSpeaker]]]) -> Callable:
    """`fn(session_ids, event_id=None)` -> {session_id: [PublicSpeaker]}: accepted speakers, in
    order. `event_id`, when given, is the event all the sessions belong to (a whole agenda):
    the speakers may then be read by event rather than by hundreds of session ids."""
    return _register("confirmed_speakers", fn)


def register_busy_speakers(fn: Callable[[list[int]], dict[int, set[int]]]) -> Callable:
    """`fn(session_ids)` -> {session_id: {user_id}}: speakers invited or accepted."""
    return _register("busy_speakers", fn)


def register_speaker_conflicts(fn: Callable) -> Callable:
    """`fn(sessions, event)` -> [Conflict]: speakers due in two places at once or on a day
    they are not available, each named."""
    return _register("speaker_conflicts", fn)


def register_speaker_profiles(fn: Callable) -> Callable:
    """`fn(event, user_ids)` -> {user_id: SpeakerProfileSummary}."""
    return _register("speaker_profiles", fn)


def confirmed_speakers(session_ids: list[int], event_id: int | None = None) -> dict[int, list[PublicSpeaker]]:
    provider = _providers.get("confirmed_speakers")
    return provider(session_ids, event_id=event_id) if provider is not None and session_ids else {}


def busy_speakers(session_ids: list[int]) -> dict[int, set[int]]:
    provider = _providers.get("busy_speakers")
    return provider(session_ids) if provider is not None and session_ids else {}


def speaker_conflicts(sessions: list, event) -> list:
    provider = _providers.get("speaker_conflicts")
    return provider(sessions, event) if provider is not None else []


def speaker_profiles(event, user_ids: set[int]) -> dict[int, SpeakerProfileSummary]:
    provider = _providers.get("speaker_profiles")
    return provider(event, user_ids) if provider is not None and user_ids else {}


@dataclass(frozen=True)
class AnnouncedMeeting:
    """A bilateral meeting both delegations agreed to announce: only its two names show."""
    starts_at: object
    ends_at: object
    label: str


def register_announced_meetings(fn: Callable) -> Callable:
    """`fn(event)` -> [AnnouncedMeeting]: confirmed bilaterals both sides announce, in time order."""
    return _register("announced_meetings", fn)


def announced_meetings(event) -> list[AnnouncedMeeting]:
    provider = _providers.get("announced_meetings")
    return provider(event) if provider is not None else []
