"""What each domain registers (in its wiring) so that personal data is exported,
erased and anonymised by the domain that holds it, never by this package reaching
into another's tables.

- `register_export(section, fn)`: fn(user) -> JSON-ready data about that person,
  in a fixed number of queries.
- `register_erasure(name, fn)`: fn(user, pseudonym, actor) erases or anonymises the
  person's data in that domain, keeping what aggregate figures need.
- `register_event_anonymiser(name, fn)`: fn(event, actor) -> how many records it
  anonymised, keeping aggregate figures and the published agenda.
- `register_people(name, fn)`: fn(event) -> a SELECT of the user ids the domain knows
  in that event (whose erasure requests its secretariat sees).
Nothing registered: nothing exported, erased or anonymised there.
"""
from __future__ import annotations

from collections.abc import Callable

EXPORTS: dict[str, Callable] = {}
ERASURES: dict[str, Callable] = {}
EVENT_ANONYMISERS: dict[str, Callable] = {}
PEOPLE: dict[str, Callable] = {}


def register_export(section: str, fn: Callable) -> None:
    EXPORTS[section] = fn


def register_erasure(name: str, fn: Callable) -> None:
    ERASURES[name] = fn


def register_event_anonymiser(name: str, fn: Callable) -> None:
    EVENT_ANONYMISERS[name] = fn


def register_people(name: str, fn: Callable) -> None:
    PEOPLE[name] = fn
