"""Account tests reuse the API fixtures (an example alliance with one user per role)."""

from tests.api.conftest import _cheap_hashing, admin_ctx, api_store, as_role, client, sources

__all__ = ["_cheap_hashing", "admin_ctx", "api_store", "as_role", "client", "sources"]
