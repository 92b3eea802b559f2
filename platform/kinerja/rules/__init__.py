"""The public rules of performance management and talent, as data and pure functions.

Plugins, tests and auditors import this module; nothing here touches a database, Flask or the
clock. Every table is a plain mapping (the defaults follow `domain.md`), and every function
takes an optional table to override it. Codes are the upper-case strings below; an unknown code
raises `ValueError` naming it. `docs/rules.md` documents each function with its table.

- `predikat(hasil, perilaku)`: the Predikat Kinerja from the two ratings (PermenPANRB 6/2022).
- `curve_violations(organisation, counts)`: how a predikat distribution breaks the agency's curve
  (SE MenPANRB 3/2023).
- `angka_kredit(predikat, coefficient)`: credit points of a functional position.
- `jpm(assessed, required)`, `jpm_category(percent, scale)`: Job Person Match.
- `nine_box(kinerja, potensial)`: the talent box (PermenPANRB 3/2020).
- `suppress(value, size, minimum)`: an aggregate about others, withheld below a group size.
- `achievement(realised, low, high, aspect)`, `split(...)`, `realisation(...)`, `overall(...)`:
  an IKI's realisation against its target per aspect (kuantitas, kualitas, waktu, biaya).
- `disiplin_percent(events)`, `kinerja_percent(predikat, compliance)`, `tpp(base, kinerja,
  disiplin)`: the month's performance allowance (TPP) from attendance and work.
"""

from kinerja.rules.curve import CURVES, ORGANISATION_LEVELS, curve_violations
from kinerja.rules.groups import MIN_GROUP, TOO_FEW, Shown, suppress, too_few
from kinerja.rules.iki import ASPECTS, achievement, adds_up, overall, realisation, split
from kinerja.rules.performance import (
    ANGKA_KREDIT_PERCENT,
    PREDIKAT,
    PREDIKAT_MATRIX,
    RATINGS,
    angka_kredit,
    predikat,
)
from kinerja.rules.talent import (
    JPM_SCALES,
    NINE_BOX,
    POTENSIAL,
    jpm,
    jpm_category,
    nine_box,
)
from kinerja.rules.tpp import (
    DISIPLIN_DEDUCTIONS,
    KINERJA_PERCENT,
    REQUIRED_COMPLIANCE,
    TPP_WEIGHTS,
    disiplin_percent,
    kinerja_percent,
    tpp,
    tpp_parts,
)

__all__ = [
    "ANGKA_KREDIT_PERCENT",
    "ASPECTS",
    "CURVES",
    "DISIPLIN_DEDUCTIONS",
    "JPM_SCALES",
    "KINERJA_PERCENT",
    "MIN_GROUP",
    "NINE_BOX",
    "ORGANISATION_LEVELS",
    "POTENSIAL",
    "PREDIKAT",
    "PREDIKAT_MATRIX",
    "RATINGS",
    "REQUIRED_COMPLIANCE",
    "TOO_FEW",
    "TPP_WEIGHTS",
    "Shown",
    "achievement",
    "adds_up",
    "angka_kredit",
    "curve_violations",
    "disiplin_percent",
    "jpm",
    "jpm_category",
    "kinerja_percent",
    "nine_box",
    "overall",
    "predikat",
    "realisation",
    "split",
    "suppress",
    "too_few",
    "tpp",
    "tpp_parts",
]
