"""Nothing in the app uses what Litestar 3 removes: every path, query and body parameter and
every dependency is declared explicitly (FromPath, FromQuery / QueryParameter, JSONBody,
NamedDependency). The one exception is strawberry's own GraphQL controller."""

from __future__ import annotations

import warnings

from litestar.exceptions import LitestarDeprecationWarning

STRAWBERRY_HANDLERS = ("handle_http_get", "handle_http_post", "websocket_endpoint")


def test_building_the_app_warns_of_nothing_litestar_3_removes() -> None:
    from api.app import create_app
    from capool.db import create_engine

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_app(engine=create_engine("sqlite+aiosqlite:///:memory:"), run_worker=False)
    ours = [str(w.message) for w in caught if issubclass(w.category, LitestarDeprecationWarning)
            and not any(f"handler='{name}'" in str(w.message) for name in STRAWBERRY_HANDLERS)]
    assert ours == []
    # The exception is really strawberry's (else the filter in pyproject.toml hides ours).
    theirs = [w for w in caught if issubclass(w.category, LitestarDeprecationWarning) and str(w.message) not in ours]
    assert all("[paths='/'" in str(w.message) for w in theirs)
