"""On-site pages: the delegate's badge and letter under /e/<slug>/, the check-in
desk, badge printing, letters and their settings under /e/<slug>/manage/, and the
public letter verification at /verify/<token>. Each module attaches its routes to
the checkin blueprint."""
from app.checkin.views import badges, delegate, desk, letters, offline, sync  # noqa: F401
