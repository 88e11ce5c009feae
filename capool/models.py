"""Imports every model module so that `Base.metadata` is complete (alembic, tests)."""

from capool import events, idempotency, scheduler  # noqa: F401
from capool.db import Base
from capool.tenancy import models as tenancy_models  # noqa: F401
from forecasting import models as forecasting_models  # noqa: F401
from inspection import models as inspection_models  # noqa: F401
from marketplace import models as marketplace_models  # noqa: F401
from marketplace.integrations import models as integrations_models  # noqa: F401
from marketplace.integrations.catenax import models as catenax_models  # noqa: F401
from matching import models as matching_models  # noqa: F401
from quality import models as quality_models  # noqa: F401
from settlement import models as settlement_models  # noqa: F401

metadata = Base.metadata
