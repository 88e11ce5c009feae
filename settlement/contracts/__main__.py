"""`python -m settlement.contracts`: rebuild the compiled artefacts from the Vyper sources."""

from settlement.contracts import write_artefacts

for path in write_artefacts():
    print(path)
