import csv
import io

import pytest
from sqlalchemy import func, select

from festival.associations import services
from festival.associations.csvio import COLUMNS, ImportRefused, export_csv, import_csv
from festival.associations.models import Association, MembershipEvent, Pole, Theme
from festival.associations.queries import all_associations, association_by_slug
from festival.extensions import db
from tests import factories
from tests.associations.helpers import S, association_with_status

HEADER = "slug;name;status;city;postcode;province;themes;poles;email\n"


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Association))


def rows_of(data: bytes) -> list[dict]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_export_has_every_field_a_bom_and_semicolons(ctx):
    association = services.create_association(
        {"name": "Amis d'Anzi", "description": "Ligne 1\nLigne 2", "themes": ["water", "health"],
         "poles": ["mre"], "province": "tiznit", "city": "Saint-Denis", "postcode": "93200",
         "phone": "+33 1 99 00 00 01", "email": "a@anzi.example"},
        actor=None, initial_status="member")
    data = export_csv([association])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8")[1:].splitlines()[0] == ";".join(COLUMNS)
    [row] = rows_of(data)
    assert row["slug"] == "amis-d-anzi" and row["status"] == "member"
    assert row["themes"] == "water;health" and row["poles"] == "mre"
    assert row["description"] == "Ligne 1\nLigne 2"
    assert row["phone"] == "'+33 1 99 00 00 01"  # no formula for a spreadsheet
    assert row["member_since"] and row["created_at"]


def test_the_spreadsheet_has_labels_in_the_readers_language(app, client, auth):
    from openpyxl import load_workbook
    with app.app_context():
        services.create_association(
            {"name": "Amis d'Anzi", "themes": ["water", "health"], "poles": ["mre"],
             "province": "tiznit", "city": "Saint-Denis", "phone": "+33 1 99 00 00 01"},
            actor=None, initial_status="member")
        db.session.commit()
    auth.login_as("organiser")
    response = client.get("/manage/associations/registry.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(
        values_only=True))
    row = dict(zip(sheet[0], sheet[1]))
    assert (row["Name"], row["Status"], row["Province"], row["Working groups"]) == (
        "Amis d'Anzi", "Member", "Tiznit", "Moroccans living abroad (MRE)")
    assert row["Themes"] == "Water, Health" and row["Phone"] == "+33 1 99 00 00 01"
    text = client.get("/manage/associations/registry.csv").get_data().decode("utf-8")
    [csv_row] = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert csv_row["Phone"] == "'+33 1 99 00 00 01" and csv_row["Status"] == "Member"
    auth.login_as("volunteer")
    assert client.get("/manage/associations/registry.xlsx").status_code in (302, 403)


def test_import_creates_and_updates_by_slug(ctx):
    organiser = factories.gen_user("organiser")
    existing = services.create_association({"name": "Old name", "city": "Lyon"}, actor=None)
    data = (HEADER + f"{existing.slug};New name;;Paris;75018;tata;education;mre;\n"
            ";Brand New;member;Lille;59000;tiznit;water;;new@x.example\n").encode()
    report = import_csv(data, actor=organiser)
    assert [(r.line, r.action) for r in report.rows] == [(2, "update"), (3, "create")]
    assert set(report.rows[0].changed) == {"name", "city", "postcode", "province", "themes",
                                           "poles"}
    assert existing.name == "New name" and existing.theme_values == [Theme.EDUCATION]
    assert existing.pole_values == [Pole.MRE] and existing.status is S.APPLIED
    created = association_by_slug("brand-new")
    assert created.status is S.MEMBER and created.member_since is not None
    event = db.session.scalar(select(MembershipEvent).where(
        MembershipEvent.association_id == created.id))
    assert event.to_status is S.MEMBER and event.actor_id == organiser.id


def test_a_bad_row_imports_nothing_and_every_bad_row_is_reported(ctx):
    services.create_association({"name": "Taken"}, actor=None)
    data = (HEADER +
            ";Good one;;Paris;75018;;;;\n"                 # line 2: fine
            ";Bad postcode;;Paris;750;;;;\n"               # line 3
            ";Taken;;;;;;;\n"                              # line 4: name used
            ";Good two;;;;narnia;water;;\n"                # line 5: province
            "\n"                                           # line 6: blank, skipped
            ";Good three;;;;;cooking;;\n"                  # line 7: theme
            ";;;;;;;;\n"                                   # line 8: empty cells only: skipped
            ";Bad status;famous;;;;;;\n"                   # line 9
            ";Good one;;;;;;;\n").encode()                 # line 10: twice in the file
    before = count()
    with pytest.raises(ImportRefused) as caught:
        import_csv(data, actor=None)
    lines = {e.line: " ".join(e.messages) for e in caught.value.errors}
    assert sorted(lines) == [3, 4, 5, 7, 9, 10]
    assert "postcode" in lines[3] and "name" in lines[4] and "province" in lines[5]
    assert "cooking" in lines[7] and "status" in lines[9] and "line 2" in lines[10]
    assert caught.value.code == "import_refused"
    assert count() == before and association_by_slug("good-one") is None


def test_line_numbers_count_multi_line_cells(ctx):
    data = ('name;description;postcode\n"Asso A";"one\ntwo\nthree";75001\n'
            '"Asso B";"x";bad\n').encode()
    with pytest.raises(ImportRefused) as caught:
        import_csv(data, actor=None)
    assert [e.line for e in caught.value.errors] == [5]


def test_bad_headers_and_files(ctx):
    with pytest.raises(ImportRefused) as caught:
        import_csv(b"slug;nom;colour\nx;y;z\n", actor=None)
    [error] = caught.value.errors
    assert error.line == 1 and "colour" in error.messages[0] and "name" in error.messages[1]
    with pytest.raises(ImportRefused) as caught:
        import_csv(b"", actor=None)
    assert caught.value.errors[0].line == 1
    with pytest.raises(ImportRefused) as caught:
        import_csv(b"name;name\na;b\n", actor=None)
    assert "twice" in caught.value.errors[0].messages[0]
    with pytest.raises(ImportRefused) as caught:
        import_csv(b"name;city\nA;B;C\n", actor=None)
    assert caught.value.errors[0].line == 2


def test_a_header_with_too_many_columns_is_refused_before_it_is_examined(ctx):
    from festival.associations.csvio import MAX_COLUMNS
    with pytest.raises(ImportRefused) as caught:
        import_csv(b"name;" + b"x;" * 100_000 + b"\nA\n", actor=None)
    [error] = caught.value.errors
    assert error.line == 1 and f"at most {MAX_COLUMNS} are read" in error.messages[0]
    assert len(error.messages[0]) < 1000  # not the 100,000 names again
    header = ";".join(["name"] + [""] * (MAX_COLUMNS - 1)).encode()
    assert import_csv(header + b"\nWide Asso\n", actor=None, dry_run=True).count("create") == 1


def test_too_long_cells_are_refused_with_their_line(ctx):
    from festival.associations.csvio import MAX_CELL
    with pytest.raises(ImportRefused) as caught:  # beyond what the csv module reads at all
        import_csv(b"name;city\nGood;Paris\nLong;" + b"x" * 200_000 + b"\n", actor=None)
    [error] = caught.value.errors
    assert error.line == 3 and str(MAX_CELL) in error.messages[0]
    with pytest.raises(ImportRefused) as caught:  # beyond any field of the registry
        import_csv(b"name;city\nGood;Paris\nLong;" + b"x" * (MAX_CELL + 1) + b"\n",
                   actor=None)
    [error] = caught.value.errors
    assert error.line == 3 and "longer than" in error.messages[0]
    assert count() == 0


def test_excel_files_in_windows_1252_with_commas_are_read(ctx):
    data = "name,city,member_since,status\nAssociation Été,Évry,01/03/2021,member\n".encode(
        "cp1252")
    report = import_csv(data, actor=None)
    created = association_by_slug("association-ete")
    assert report.count("create") == 1 and created.city == "Évry"
    assert created.member_since.year == 2021 and created.member_since.month == 3


def test_status_changes_are_refused_on_update(ctx):
    association = association_with_status(S.APPLIED, name="Waiting")
    data = f"slug;name;status\n{association.slug};Waiting;member\n".encode()
    with pytest.raises(ImportRefused) as caught:
        import_csv(data, actor=None)
    assert "review" in caught.value.errors[0].messages[0]
    assert association.status is S.APPLIED


def test_dry_run_keeps_nothing(ctx):
    report = import_csv(b"name\nPreview only\n", actor=None, dry_run=True)
    assert report.count("create") == 1 and count() == 0


def test_only_organisers_import(ctx):
    with pytest.raises(Exception) as caught:
        import_csv(b"name\nX\n", actor=factories.gen_user("volunteer"))
    assert caught.value.code == "forbidden"


def test_export_then_import_changes_nothing(ctx):
    for status in (S.MEMBER, S.APPLIED, S.SUSPENDED):
        association_with_status(status, name=f"Asso {status.value}", city="Paris",
                                description="=SUM(A1)\n\nsecond", phone="+33 1 99 00 00 02",
                                themes=["water", "culture"], poles=["mre"],
                                website="https://asso.example/a?b=1")
    before = {a.slug: (a.name, a.description, a.phone, a.website, a.theme_values, a.status,
                       a.member_since) for a in all_associations()}
    events_before = db.session.scalar(select(func.count()).select_from(MembershipEvent))
    report = import_csv(export_csv(all_associations()), actor=None)
    assert [r.action for r in report.rows] == ["unchanged"] * 3
    after = {a.slug: (a.name, a.description, a.phone, a.website, a.theme_values, a.status,
                      a.member_since) for a in all_associations()}
    assert after == before
    assert db.session.scalar(select(func.count()).select_from(MembershipEvent)) == events_before


def test_the_export_carries_french_and_the_import_keeps_the_other_languages(ctx):
    """Exported from Arabic pages, the file still holds the French descriptions (its import
    writes French back), and importing it leaves the Arabic ones as they were."""
    from flask_babel import force_locale

    association = association_with_status(S.MEMBER, name="Asso bilingue", city="Paris")
    association.set_texts("short_description", {"fr": "L'eau au village",
                                                 "ar": "الماء في القرية"}, {}, max_length=300)
    db.session.flush()
    with force_locale("ar"):
        data = export_csv([association])
    [row] = rows_of(data)
    assert row["short_description"] == "L'eau au village"
    import_csv(data, actor=None)
    assert association.texts_of("short_description") == {"fr": "L'eau au village",
                                                         "ar": "الماء في القرية"}
