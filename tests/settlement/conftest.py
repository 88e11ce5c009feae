from __future__ import annotations

import pytest

from tests.settlement.ledger_scenario import LedgerScenario, new_scenario


@pytest.fixture
def scenario() -> LedgerScenario:
    """Two order stories (26 entries) with checkpoints at 13 and 26 and a supplier
    co-signature on the first shipment."""
    built = new_scenario()
    built.append_story(1)
    built.checkpoint()
    built.append_story(1)
    built.checkpoint()
    built.supplier_cosigns(6)
    return built
