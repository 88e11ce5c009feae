"""Imports every model module so that `Base.metadata` is complete (alembic, tests)."""

from capool import events, idempotency  # noqa: F401
from capool.db import Base
from capool.tenancy import models as tenancy_models  # noqa: F401
from marketplace import models as marketplace_models  # noqa: F401

metadata = Base.metadata
