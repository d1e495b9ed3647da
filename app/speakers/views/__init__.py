"""Speaker pages, one module per audience; importing them attaches their routes to
`app.speakers.bp`:

- `manage`: the organisers' assignments under /e/<slug>/manage/speakers;
- `portal`: the speaker portal under /e/<slug>/speaker/;
- `answer_link`: the emailed link that answers an invitation without logging in;
- `public`: the public speaker directory and profiles, photos and slide downloads.
"""
from app.speakers.views import answer_link, common, manage, portal, public  # noqa: F401  (attach the routes)
