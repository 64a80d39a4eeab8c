"""Prove purchasing savings from purchase transactions: hard savings, cost avoidance,
double claims, leakage and unmeasurable lines, on DuckDB or Spark."""
