"""The move of assessments, answers, review notes, findings and the scoring policy from
``questionnaires`` to ``assessments`` keeps every row: a database populated at the schema
before the move is migrated to the latest, checked, and migrated back.

The migrator (django-test-migrations) takes the test database back to the schema before
the move and the test empties it, so no content type or permission is there unless the
test writes it, as an installation's would be.
"""

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.loader import MigrationLoader

# The schema of the last release before the move (auditlog at its latest).
BEFORE_MOVE = [
    ("accounts", "0004_verbose_names"),
    ("vendors", "0006_residual_risk_choices"),
    ("questionnaires", "0005_verbose_names"),
    ("reports", "0002_verbose_names"),
    ("auditlog", "0017_add_actor_email"),
]
MOVED = ("assessment", "answer", "reviewnote", "finding", "scoringpolicy")


def latest():
    return MigrationLoader(connection).graph.leaf_nodes()


def back_before_move(migrator):
    """Back to the schema before the move, and that schema's models. Django's backward
    plan hands back the state before the last migration it unapplied, which still holds
    later migrations of other apps unapplied earlier in the plan (the vendor's intake
    fields, for one); the models are taken from the migration graph at the targets."""
    migrator.apply_tested_migration([*BEFORE_MOVE, ("assessments", None)])
    state = MigrationLoader(connection).project_state(BEFORE_MOVE)
    migrator._fix_through_fields(state)  # as the migrator does for the states it returns
    return state


def before_move(migrator):
    """Back from the latest schema to the one before the move in one backward plan, then
    emptied: the rows an installation had are written by ``populate``. (Building that
    schema forwards from nothing renders every migration's state and took three times
    as long.) Accounts goes back in the same plan (its tokens and reset events came later).
    """
    old = back_before_move(migrator)
    tables = [
        name for name in connection.introspection.table_names() if name != "django_migrations"
    ]
    flush = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(flush)
    return old


def populate(apps):
    """Everything an installation has, written through the models of that schema."""
    User = apps.get_model("accounts", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Vendor = apps.get_model("vendors", "Vendor")
    StoredFile = apps.get_model("vendors", "StoredFile")
    Checklist = apps.get_model("questionnaires", "Checklist")
    ChecklistVersion = apps.get_model("questionnaires", "ChecklistVersion")
    Section = apps.get_model("questionnaires", "Section")
    Item = apps.get_model("questionnaires", "Item")
    Assessment = apps.get_model("questionnaires", "Assessment")
    Answer = apps.get_model("questionnaires", "Answer")
    ReviewNote = apps.get_model("questionnaires", "ReviewNote")
    Finding = apps.get_model("questionnaires", "Finding")
    ScoringPolicy = apps.get_model("questionnaires", "ScoringPolicy")
    Report = apps.get_model("reports", "Report")
    LogEntry = apps.get_model("auditlog", "LogEntry")

    staff = User.objects.create(username="charlie", last_name="調達")
    frank = User.objects.create(username="frank", last_name="担当")
    manager = User.objects.create(username="bob", last_name="審査")
    vendor = Vendor.objects.create(name="株式会社テスト電話代行", owner=staff)
    vendor.assigned_staff.add(frank)
    other_vendor = Vendor.objects.create(name="株式会社ほか", owner=staff)

    checklist = Checklist.objects.create(name_ja="標準", name_en="Standard")
    version = ChecklistVersion.objects.create(
        checklist=checklist, number=1, label="2026.1", status="published"
    )
    contract = Section.objects.create(version=version, code="CON", position=2, title_ja="契約")
    policy = Section.objects.create(version=version, code="POL", position=1, title_ja="方針")
    items = {
        code: Item.objects.create(
            version=version, section=section, code=code, answer_type="yes_no", position=n
        )
        for n, (code, section) in enumerate(
            [("POL-01", policy), ("CON-01", contract), ("CON-02", contract)]
        )
    }
    files = [
        StoredFile.objects.create(
            storage_name=f"evidence/{n}.pdf",
            original_name=f"証跡{n}.pdf",
            content_type="application/pdf",
            size=100 + n,
            sha256=f"{n:064d}",
            uploaded_by=staff,
        )
        for n in range(3)
    ]

    earlier = Assessment.objects.create(vendor=vendor, version=version, status="approved")
    assessment = Assessment.objects.create(
        vendor=vendor,
        version=version,
        status="approved",
        created_by=staff,
        reviewer=manager,
        approved_by=manager,
        carried_from=earlier,
        score=62.5,
        rating="C",
        residual_risk="medium",
        snapshot={"score": 62.5},
    )
    other = Assessment.objects.create(vendor=other_vendor, version=version, created_by=frank)
    assessment.assessors.add(staff, frank)
    other.assessors.add(frank)
    answers = {
        code: Answer.objects.create(
            assessment=assessment, item=item, value=value, comment=f"{code} 確認", updated_by=staff
        )
        for (code, item), value in zip(items.items(), ["yes", "no", "partial"], strict=True)
    }
    answers["CON-01"].evidence.add(files[0], files[1])
    answers["CON-02"].evidence.add(files[2])
    Answer.objects.create(assessment=other, item=items["POL-01"], value="yes")
    note = ReviewNote.objects.create(
        assessment=assessment, author=manager, action="approve", text="承認します。"
    )
    finding = Finding.objects.create(
        assessment=assessment,
        vendor=vendor,
        item=items["CON-01"],
        severity="high",
        severity_rank=1,
        value=0.0,
        owner=frank,
        remediation_plan="契約を改定する",
    )
    report = Report.objects.create(
        assessment=assessment,
        language="ja",
        requested_by=manager,
        status="ready",
        file="reports/1/abc.pdf",
        fingerprint="f" * 64,
    )
    # Retention left these "ready" without a file and "failed": reports 0004 names them.
    purged = Report.objects.create(
        assessment=assessment, language="en", status="ready", file="", fingerprint="e" * 64
    )
    Vendor.objects.filter(pk=other_vendor.pk).update(purged_at="2026-01-31T00:00:00Z")
    purged_failed = Report.objects.create(
        assessment=other, language="ja", status="failed", fingerprint="d" * 64
    )
    ScoringPolicy.objects.create(
        pk=1, bands=[[85, "A"], [70, "B"], [55, "C"], [40, "D"], [0, "E"]], critical_cap="C"
    )

    # Content types and the admins' permission on the policy, as `migrate` left them.
    types = {
        model: ContentType.objects.create(app_label="questionnaires", model=model)
        for model in MOVED
    }
    change_policy = Permission.objects.create(
        content_type=types["scoringpolicy"],
        codename="change_scoringpolicy",
        name="Can change scoring policy",
    )
    Group.objects.get_or_create(name="admin")[0].permissions.add(change_policy)
    audited = {"assessment": assessment, "answer": answers["CON-02"], "finding": finding}
    entries = {
        model: LogEntry.objects.create(
            content_type=types[model],
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=f"{model} {obj.pk}",
            action=1,
            changes={"status": ["draft", "approved"]},
            actor=manager,
        ).pk
        for model, obj in audited.items()
    }
    return {
        "users": {"charlie": staff.pk, "frank": frank.pk, "bob": manager.pk},
        "vendor": vendor.pk,
        "other_vendor": other_vendor.pk,
        "version": version.pk,
        "items": {code: item.pk for code, item in items.items()},
        "files": [f.pk for f in files],
        "earlier": earlier.pk,
        "assessment": assessment.pk,
        "other": other.pk,
        "answers": {code: answer.pk for code, answer in answers.items()},
        "note": note.pk,
        "finding": finding.pk,
        "report": report.pk,
        "purged": [purged.pk, purged_failed.pk],
        "entries": entries,
        "audited": {model: obj.pk for model, obj in audited.items()},
        "change_policy": change_policy.pk,
    }


def assert_everything_kept(apps, ids, app):
    """Every row is still there and points at the same rows, read through ``app``'s models."""
    u = ids["users"]
    Assessment = apps.get_model(app, "Assessment")
    Answer = apps.get_model(app, "Answer")
    ReviewNote = apps.get_model(app, "ReviewNote")
    Finding = apps.get_model(app, "Finding")
    ScoringPolicy = apps.get_model(app, "ScoringPolicy")
    Report = apps.get_model("reports", "Report")
    Vendor = apps.get_model("vendors", "Vendor")
    Section = apps.get_model("questionnaires", "Section")

    assert Vendor.objects.count() == 2
    assert set(
        Vendor.objects.get(pk=ids["vendor"]).assigned_staff.values_list("pk", flat=True)
    ) == {u["frank"]}
    assert list(Section.objects.order_by("position").values_list("code", flat=True)) == [
        "POL",
        "CON",
    ]

    assert Assessment.objects.count() == 3
    assessment = Assessment.objects.get(pk=ids["assessment"])
    assert (assessment.vendor_id, assessment.version_id) == (ids["vendor"], ids["version"])
    assert (assessment.created_by_id, assessment.reviewer_id, assessment.approved_by_id) == (
        u["charlie"],
        u["bob"],
        u["bob"],
    )
    assert assessment.carried_from_id == ids["earlier"]
    assert (assessment.status, assessment.score, assessment.rating) == ("approved", 62.5, "C")
    assert (assessment.residual_risk, assessment.snapshot) == ("medium", {"score": 62.5})
    assert set(assessment.assessors.values_list("pk", flat=True)) == {u["charlie"], u["frank"]}
    assert set(Assessment.objects.get(pk=ids["other"]).assessors.values_list("pk", flat=True)) == {
        u["frank"]
    }
    assert Assessment.objects.get(pk=ids["other"]).vendor_id == ids["other_vendor"]

    assert Answer.objects.count() == 4
    answers = {a.item.code: a for a in assessment.answers.select_related("item")}
    assert set(answers) == {"POL-01", "CON-01", "CON-02"}
    for code, value in zip(["POL-01", "CON-01", "CON-02"], ["yes", "no", "partial"], strict=True):
        answer = answers[code]
        assert (answer.pk, answer.item_id) == (ids["answers"][code], ids["items"][code])
        assert (answer.value, answer.comment, answer.updated_by_id) == (
            value,
            f"{code} 確認",
            u["charlie"],
        )
    files = ids["files"]
    assert set(answers["CON-01"].evidence.values_list("pk", flat=True)) == {files[0], files[1]}
    assert list(answers["CON-02"].evidence.values_list("original_name", flat=True)) == ["証跡2.pdf"]
    assert not answers["POL-01"].evidence.exists()

    note = ReviewNote.objects.get()
    assert (note.pk, note.assessment_id, note.author_id, note.text) == (
        ids["note"],
        ids["assessment"],
        u["bob"],
        "承認します。",
    )
    finding = Finding.objects.get()
    assert (finding.pk, finding.assessment_id, finding.vendor_id) == (
        ids["finding"],
        ids["assessment"],
        ids["vendor"],
    )
    assert (finding.item_id, finding.owner_id, finding.remediation_plan) == (
        ids["items"]["CON-01"],
        u["frank"],
        "契約を改定する",
    )
    report = Report.objects.get(pk=ids["report"])
    assert (report.pk, report.assessment_id, report.requested_by_id) == (
        ids["report"],
        ids["assessment"],
        u["bob"],
    )
    assert (report.status, report.file.name) == ("ready", "reports/1/abc.pdf")
    assert report.assessment.vendor_id == ids["vendor"]
    policy = ScoringPolicy.objects.get()
    assert (policy.pk, policy.critical_cap, policy.bands[0]) == (1, "C", [85, "A"])


def assert_audit_follows(apps, ids, app):
    """The audit entries' content types name ``app`` and resolve to the same rows; the
    admins' permission on the policy moved with its content type."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    Group = apps.get_model("auth", "Group")
    assert set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True)) == {
        app
    }
    for model, pk in ids["entries"].items():
        entry = LogEntry.objects.select_related("content_type").get(pk=pk)
        assert (entry.content_type.app_label, entry.content_type.model) == (app, model)
        target = apps.get_model(app, model).objects.get(pk=entry.object_pk)
        assert target.pk == ids["audited"][model]
    permission = Group.objects.get(name="admin").permissions.get(codename="change_scoringpolicy")
    assert (permission.pk, permission.content_type.app_label) == (ids["change_policy"], app)


def assert_running_code_reads_the_audit(ids):
    """The code that runs after the move finds the same entries for the same objects."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from assessments.models import Answer, Assessment, Finding

    ContentType.objects.clear_cache()  # ids cached before the tables were rebuilt
    for model in (Assessment, Answer, Finding):
        name = model._meta.model_name
        obj = model.objects.get(pk=ids["audited"][name])
        entries = LogEntry.objects.get_for_object(obj)
        assert [e.pk for e in entries] == [ids["entries"][name]]
        assert entries.get().content_type.get_object_for_this_type(pk=obj.pk) == obj


def test_moving_the_assessment_models_keeps_every_row_and_back(migrator):
    old = before_move(migrator)
    assert ("assessments", "assessment") not in old.models
    ids = populate(old.apps)

    new = migrator.apply_tested_migration(latest())
    assert ("questionnaires", "assessment") not in new.models
    assert_everything_kept(new.apps, ids, "assessments")
    assert_audit_follows(new.apps, ids, "assessments")
    assert_running_code_reads_the_audit(ids)
    statuses = new.apps.get_model("reports", "Report").objects.filter(pk__in=ids["purged"])
    assert list(statuses.values_list("status", flat=True)) == ["purged", "purged"]

    back = back_before_move(migrator)
    assert ("assessments", "assessment") not in back.models
    assert_everything_kept(back.apps, ids, "questionnaires")
    assert_audit_follows(back.apps, ids, "questionnaires")
    statuses = back.apps.get_model("reports", "Report").objects.filter(pk__in=ids["purged"])
    assert list(statuses.values_list("status", flat=True)) == ["ready", "ready"]


@pytest.mark.django_db
def test_a_fresh_database_migrates_to_the_latest_schema():
    """pytest-django built the test database with `migrate` from nothing, signals and
    all: every migration is applied and the content types, permissions and roles are
    those of the new layout."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db.migrations.executor import MigrationExecutor

    from assessments.models import Assessment, ScoringPolicy

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert ContentType.objects.get_for_model(Assessment).app_label == "assessments"
    assert not ContentType.objects.filter(app_label="questionnaires", model__in=MOVED).exists()
    admins = Group.objects.get(name="admin")
    assert admins.permissions.filter(
        content_type__app_label="assessments", codename="change_scoringpolicy"
    ).exists()
    assert ScoringPolicy.current().pk == 1
