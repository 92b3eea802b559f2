"""Exports: the agency's tables (SKP list, daily-work compliance, evaluation results, the curve
report, competency gaps and nine-box) as XLSX or PDF, written by background jobs."""
