"""A seeded whole-market simulation driven through the real API and job system, with the
marketplace's invariants checked against the database and the ledger after every day
(`capool simulate`)."""
