"""The one label registry (`kinerja.presentation.labels`): a label for every code in both
languages, an unknown code humanised and logged (never bare), the audit log read as sentences,
and the exports' cells labelled."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from kinerja import clock
from kinerja.audit.models import AuditEntry
from kinerja.db import db
from kinerja.i18n import _
from kinerja.presentation import labels
from kinerja.web import audit_lines
from tests.support import csrf_token, plan_head_and_boss, sign_in
from tests.test_reports import health as health  # the app with the Dinkes plugin on

YEAR = clock.this_year()


def test_a_registered_code_reads_in_the_readers_language(app) -> None:
    labels.register("test.colour", {"red": _("Approved"), "kota": "Kota Medan"})
    with app.test_request_context():
        with force_locale("id"):
            indonesian = labels.label("test.colour", "red")
        with force_locale("en"):
            english = labels.label("test.colour", "red")
        assert (indonesian, english) == ("Disetujui", "Approved")
        assert labels.is_same("test.colour", "kota") and labels.label("test.colour", "kota")
        assert labels.label("test.colour", None) == "" and labels.label("test.colour", "") == ""
    assert "red" in labels.known_codes()["test.colour"]


def test_an_unknown_code_is_humanised_and_logged_never_bare(app, caplog) -> None:
    with app.test_request_context(), caplog.at_level(logging.WARNING):
        shown = labels.label("test.unknown", "catatan_kipi")
    assert shown == "Catatan kipi" and shown != "catatan_kipi"
    assert any("catatan_kipi" in r.getMessage() for r in caplog.records)


def test_a_label_must_be_words_not_just_any_object() -> None:
    with pytest.raises(TypeError):
        labels.register("test.bad", {"x": 3})


def test_every_code_of_every_kind_has_a_label_in_both_languages(app) -> None:
    """English and Indonesian differ, or the label is declared the same (`Same`: a name, the
    regulation's own words): a lazy label that reads the same in both lacks its translation."""
    kinds = [k for k in labels.kinds() if not k.startswith("test.")]
    assert {"audit.action", "predikat", "log.status", "export.kind", "audit.field"} <= set(kinds)
    untranslated = []
    with app.test_request_context():
        for kind in kinds:
            for code in labels.known_codes()[kind]:
                with force_locale("id"):
                    indonesian = labels.label(kind, code)
                with force_locale("en"):
                    english = labels.label(kind, code)
                assert indonesian and english, (kind, code)
                if indonesian == english and not labels.is_same(kind, code):
                    untranslated.append(f"{kind}/{code}: {english}")
    assert not untranslated, "\n".join(untranslated)


def _entry(**values) -> AuditEntry:
    base = {"action": "log.approve", "object_type": "work_entry", "changes": {}}
    return AuditEntry(at=datetime(2026, 12, 2, 3, tzinfo=UTC), **(base | values))


@pytest.mark.parametrize(
    ("language", "sentence", "status", "predikat"),
    [
        (
            "id",
            "Sri Wahyuni menyetujui laporan harian Budi Santoso",
            "Status: Menunggu verifikasi → Disetujui",
            f"Predikat: {audit_lines.NOTHING} → Baik",
        ),
        (
            "en",
            "Sri Wahyuni approved the daily entry of Budi Santoso",
            "Status: Waiting for verification → Approved",
            f"Predikat: {audit_lines.NOTHING} → Baik",
        ),
    ],
)
def test_an_audit_entry_reads_as_a_sentence(app, language, sentence, status, predikat) -> None:
    entry = _entry(changes={"status": ["submitted", "approved"]})
    rated = _entry(
        action="evaluation.rate", object_type="evaluation", changes={"predikat": [None, "BAIK"]}
    )
    with app.test_request_context(), force_locale(language):
        line = audit_lines.line(entry, "Sri Wahyuni", "Budi Santoso")
        changes = [f"{c.field}: {c.before} → {c.after}" for c in line.changes]
        rated_changes = [
            f"{c.field}: {c.before} → {c.after}"
            for c in audit_lines.line(rated, "Sri Wahyuni", "Budi Santoso").changes
        ]
        own = audit_lines.line(_entry(action="log.submit"), "Budi Santoso", "Budi Santoso")
        signed_in = audit_lines.line(
            _entry(action="auth.sign_in", object_type="user"), "Budi Santoso", None
        )
    assert line.sentence == sentence and changes == [status]
    assert rated_changes == [predikat]
    assert "Budi Santoso" in own.sentence and own.sentence.count("Budi Santoso") == 1
    assert signed_in.sentence.startswith("Budi Santoso: ") and "auth" not in signed_in.sentence


def test_a_feedback_subject_reads_as_the_record_it_is_about(app) -> None:
    entry = _entry(
        action="feedback.start",
        object_type="feedback_thread",
        changes={"subject": [None, "rhk 6"]},
    )
    named = {("rhk_id", 6): "Cakupan imunisasi dasar lengkap"}
    with app.test_request_context(), force_locale("en"):
        line = audit_lines.line(
            entry,
            "Sri",
            "Budi",
            lambda field, raw: audit_lines.subject_title(raw, named),
        )
    assert line.changes[0].after == "a result (RHK): Cakupan imunisasi dasar lengkap"
    assert "rhk 6" not in line.changes[0].after


def test_the_audit_page_speaks_the_readers_language(client, people) -> None:
    sign_in(client, "admin")
    token = csrf_token(client, "/t/dinkes/positions")
    client.post(
        "/t/dinkes/positions",
        data={"csrf_token": token, "name": "Analis", "type": "fungsional", "grade": "9"},
    )
    indonesian = client.get("/t/dinkes/audit").get_data(as_text=True)
    assert (
        "membuat jabatan" in indonesian
        and f"Jenis: {audit_lines.NOTHING} → Fungsional" in indonesian
    )
    assert "position.create" not in indonesian and "<code>type</code>" not in indonesian
    client.set_cookie("kinerja_lang", "en")
    english = client.get("/t/dinkes/audit").get_data(as_text=True)
    assert (
        "created a position" in english and f"Type: {audit_lines.NOTHING} → Fungsional" in english
    )


def test_export_cells_carry_labels_not_codes(app, people, tenants) -> None:
    from kinerja.exports import tables
    from kinerja.performance.evaluation.models import Evaluation
    from kinerja.performance.models import Skp

    plan_head_and_boss(tenants, people, YEAR)
    with db.unit_of_work(tenants.a) as session:
        skp = session.scalars(select(Skp).where(Skp.year == YEAR)).first()
        assert skp is not None
        session.add(
            Evaluation(
                skp_id=skp.id,
                employee_id=skp.employee_id,
                year=YEAR,
                period=0,
                starts=date(YEAR, 1, 1),
                ends=date(YEAR, 12, 31),
                status="rated",
                rating_hasil="DI_ATAS",
                rating_perilaku="SESUAI",
                predikat="BAIK",
            )
        )
    for language, status in (
        ("id", "Menunggu atasan pejabat penilai"),
        ("en", "Waiting for the reviewer"),
    ):
        with (
            app.test_request_context(),
            force_locale(language),
            db.unit_of_work(tenants.a) as session,
        ):
            table = tables.evaluation_results(session, YEAR)
        row = next(r for r in table.rows if r[-1])
        cells = [str(c) for c in row]
        assert "rated" not in cells and "BAIK" not in cells and "DI_ATAS" not in cells
        assert row[-1] == status and row[6] == "Baik" and row[4] == "Di atas ekspektasi"


def test_a_plugin_without_english_is_refused_at_start_up_naming_the_text() -> None:
    from kinerja.plugins.hookspecs import hookimpl
    from kinerja.plugins.manager import Plugins, StartupError
    from kinerja.plugins.types import FormField, PluginInfo, ReportForm

    class Monolingual:
        NAME = "monolingual"

        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo(self.NAME, "Satu bahasa", title_en="One language")

        @hookimpl
        def kinerja_report_forms(self) -> list[ReportForm]:
            field = FormField("jumlah", "Jumlah", "integer", "Count", "orang")  # no unit_en
            return [ReportForm("MONO", "Laporan", (field,), title_en="Report")]

    with pytest.raises(StartupError) as refused:
        Plugins.load("none", 2, [Monolingual()])
    assert "plugin monolingual" in str(refused.value)
    assert "field jumlah: unit (unit_en) has no English text" in str(refused.value)


def test_the_dinkes_plugin_gives_english_for_every_text() -> None:
    from kinerja.plugins import languages
    from kinerja_dinkes import (
        DEVELOPMENT,
        IMMUNISATION,
        kinerja_competencies,
        kinerja_plugin_info,
    )

    problem = languages.english_problem(
        kinerja_plugin_info(), kinerja_competencies(), [IMMUNISATION], DEVELOPMENT
    )
    assert problem is None
    assert all(f.label_en for f in IMMUNISATION.fields)


def test_the_plugin_catalogue_says_what_hooks_give_not_their_names(health) -> None:
    app, _client = health
    client = app.test_client()
    sign_in(client, "kota")
    page = client.get("/plugins").get_data(as_text=True)
    assert "Kompetensi untuk kamus" in page and "Formulir laporan" in page
    assert "kinerja_competencies" not in page and "kinerja_report_forms" not in page
    assert "Dinas Kesehatan" in page
    client.set_cookie("kinerja_lang", "en")
    english = client.get("/plugins").get_data(as_text=True)
    assert "Competencies for the dictionary" in english
    assert "Technical health competencies" in english  # the plugin's own English


def test_the_guidance_editor_names_each_text_not_its_key(client, people) -> None:
    sign_in(client, "kota")
    page = client.get("/city/guidance").get_data(as_text=True)
    assert "Apa itu RHK?" in page and "Bahasa Indonesia" in page
    assert ">help.rhk.text.en<" not in page and ">intro.pegawai.id<" not in page


def test_a_setting_is_named_in_both_languages_or_the_plugin_is_refused() -> None:
    from marshmallow import Schema, fields

    from kinerja.plugins import service
    from kinerja.plugins.hookspecs import hookimpl
    from kinerja.plugins.manager import Plugins, StartupError
    from kinerja.plugins.types import PluginInfo
    from kinerja_dinkes.catalogue import Settings

    class Unnamed(Schema):
        batas_waktu = fields.Integer(metadata={"label": "Batas waktu"})  # no label_en

    class Plugin:
        @hookimpl
        def kinerja_plugin_info(self) -> PluginInfo:
            return PluginInfo("unnamed", "Tanpa nama", title_en="Unnamed", settings_schema=Unnamed)

    with pytest.raises(StartupError) as refused:
        Plugins.load("none", 2, [Plugin()])
    assert "setting batas_waktu: metadata label (label_en) has no English text" in str(
        refused.value
    )
    # The dinkes plugin's setting reads as a name, never as its key.
    assert service.describe_settings(Settings)["target_coverage"]["label"] == (
        "Target cakupan imunisasi (%)"
    )
