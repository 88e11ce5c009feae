"""Catena-X Demand and Capacity Management (CX-0128): buyers import `WeekBasedMaterialDemand`
documents, factories export their published and booked capacity as `WeekBasedCapacityGroup`
documents per customer and ISO week, and the dashboard compares the two per week with the
standard's matching results and demand-volatility thresholds. See docs/catenax-dcm.md."""
