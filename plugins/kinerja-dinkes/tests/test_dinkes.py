"""The Dinas Kesehatan plugin, installed with pip and loaded from its entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from kinerja.plugins.manager import Plugins


def test_it_is_installed_as_a_distribution_with_its_entry_point() -> None:
    names = {point.name for point in entry_points(group="kinerja.plugins")}
    assert "kinerja-dinkes" in names


def test_it_loads_through_the_allow_list_and_passes_the_start_up_checks() -> None:
    manager = Plugins.load("kinerja-dinkes", 2)
    assert "kinerja-dinkes" in manager.infos
    assert "kinerja-dinkes" not in Plugins.load("none", 2).infos


def test_it_adds_four_technical_competencies_with_five_levels() -> None:
    manager = Plugins.load("kinerja-dinkes", 2)
    found = dict(manager.call("kinerja_competencies", {"kinerja-dinkes"}))["kinerja-dinkes"]
    assert {c.code for c in found} == {"DK-SURV", "DK-IMUN", "DK-PROMKES", "DK-YANKES"}
    assert all(c.group == "teknis" and len(c.levels) == 5 for c in found)


@pytest.mark.parametrize(("value", "ok"), [(95, True), (0, False), (101, False), ("x", False)])
def test_its_settings_are_checked(value: object, ok: bool) -> None:
    from marshmallow import ValidationError

    from kinerja_dinkes import Settings

    if ok:
        assert Settings().load({"target_coverage": value}) == {"target_coverage": value}
    else:
        with pytest.raises(ValidationError):
            Settings().load({"target_coverage": value})
