"""The personal agenda's tests use the on-site summit, delegates and published agenda."""
from tests.checkin.conftest import _fresh_cache, agenda, staff, summit  # noqa: F401 (fixtures)
