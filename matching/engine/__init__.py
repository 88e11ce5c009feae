"""The matching engine: pure Python + OR-Tools, no database or web imports."""

from matching.engine.solve import solve, solve_model
from matching.engine.types import Allocation, Mode, Offer, Order, Partnership, Policy, Problem, ResourceLimit, Result, Tier

__all__ = ["Allocation", "Mode", "Offer", "Order", "Partnership", "Policy", "Problem", "ResourceLimit", "Result", "Tier", "solve", "solve_model"]
