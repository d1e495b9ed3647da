"""Registration pages: the delegate's side under /e/<slug>/ and the accreditation
officer's side under /e/<slug>/manage/. Importing the modules attaches their routes to `bp`."""
from app.registration import commands  # noqa: F401 (the commands attach to bp)
from app.registration.views import (configuration, delegate, delegations, invitations, participants,  # noqa: F401
                                    review)
