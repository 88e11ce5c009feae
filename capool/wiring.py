"""Everything a process must import before it serves requests or runs jobs: all tables, all
outbox consumers and the domains' metrics. The API app, the CLI and the tests import this module."""

from capool import housekeeping, models  # noqa: F401
from forecasting import consumers as forecasting_consumers  # noqa: F401
from inspection import consumers as inspection_consumers  # noqa: F401
from marketplace.integrations import consumers as integrations_consumers  # noqa: F401
from matching import consumers as matching_consumers  # noqa: F401
from quality import consumers as quality_consumers  # noqa: F401
from settlement import consumers as settlement_consumers  # noqa: F401
from settlement import metrics as settlement_metrics  # noqa: F401
