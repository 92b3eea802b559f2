"""Evaluation of the plan: periodic and annual, realisasi per IKI with evidence, the rater's
ratings and the predikat that follows (`kinerja.rules`), the reviewer's approval, the agency's
achievement and its distribution curve."""

from kinerja.performance.evaluation import permissions as permissions  # registers the rules
