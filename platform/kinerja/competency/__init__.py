"""Competencies and talent (PermenPANRB 38/2017, 3/2020): standards per position, 360°
assessment campaigns with anonymity, gap, Job Person Match, development and the nine-box."""

from kinerja.competency import permissions as permissions  # registers the rules of its kinds
