"""The bilaterals blueprint's pages: the delegations' and protocol's."""
from app.bilaterals.views import delegates, protocol  # noqa: F401 (attach the routes to bp)
