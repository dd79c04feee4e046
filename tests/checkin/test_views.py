"""The door pages: scanner, service worker and manifest, pairing, the desk, the back office,
the command line and the demo."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from festival.checkin.models import CheckinList, Device, Scan
from festival.extensions import db
from tests.checkin.conftest import (
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
)


@pytest.fixture
def edition_year(app):
    with app.app_context():
        edition = make_door_edition()
        make_ticket_type(edition, "Pass festival")
        make_list(edition, "Entrée")
        db.session.commit()
        return edition.year


def _new_device(app, gate="Porte A"):
    from festival.checkin.devices import create_device
    with app.app_context():
        checkin_list = db.session.scalar(select(CheckinList))
        device, code = create_device(checkin_list, name="", gate=gate)
        db.session.commit()
        return device.id, code


def test_the_scanner_page_its_service_worker_and_manifest(client):
    page = client.get("/scan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="scan-result"' in html and 'data-result=""' in html
    assert "js/scanner/main.js" in html and "manifest.webmanifest" in html
    worker = client.get("/scan/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/scan"
    assert '"page": "/scan"' in worker.get_data(as_text=True)
    assert "/static/vendor/jsqr/jsQR.js" in worker.get_data(as_text=True)
    manifest = client.get("/scan/manifest.webmanifest").get_json(force=True)
    assert manifest["start_url"] == "/scan" and manifest["display"] == "standalone"


def test_scanner_page_in_arabic_is_rtl(client):
    client.set_cookie("lang", "ar")
    html = client.get("/scan").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


def test_pairing_link_works_once(client, app, edition_year):
    device_id, code = _new_device(app)
    page = client.get(f"/scan/pair/{code}")
    assert page.status_code == 200 and "Porte A" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    paired = client.post(f"/scan/pair/{code}")
    assert paired.status_code == 200
    token = re.search(r'data-token="(alm_[^"]+)"', paired.get_data(as_text=True)).group(1)
    with app.app_context():
        device = db.session.get(Device, device_id)
        assert device.paired_at is not None and device.pairing_code_hash is None
    bundle = client.get("/api/v1/checkin/bundle", headers={"Authorization": f"Bearer {token}"})
    assert bundle.status_code == 200
    assert client.get(f"/scan/pair/{code}").status_code == 404
    assert client.post(f"/scan/pair/{code}").status_code == 404


def test_an_expired_pairing_link_is_refused(client, app, edition_year):
    device_id, code = _new_device(app)
    with app.app_context():
        device = db.session.get(Device, device_id)
        device.pairing_expires_at -= timedelta(hours=25)
        db.session.commit()
    response = client.get(f"/scan/pair/{code}")
    assert response.status_code == 404
    assert "used already or it has expired" in response.get_data(as_text=True)


def test_organiser_sets_up_lists_and_devices(client, app, auth, edition_year):
    auth.login_as("organiser")
    page = client.get(f"/manage/checkin/{edition_year}")
    assert page.status_code == 200 and "Entrée" in page.get_data(as_text=True)
    with app.app_context():
        first_list_id = db.session.scalar(select(CheckinList.id))
        day = db.session.scalar(select(CheckinList)).edition.dates[0].isoformat()
    created = client.post(f"/manage/checkin/{edition_year}/lists", data={
        "name": "Salle de concert", "days": [day], "allow_reentry": "y", "is_active": "y"})
    assert created.status_code == 302
    refused = client.post(f"/manage/checkin/{edition_year}/lists", data={"name": ""})
    assert refused.status_code == 422
    with app.app_context():
        concert = db.session.scalar(select(CheckinList).where(CheckinList.name == "Salle de concert"))
        assert concert.allow_reentry and concert.days == [day]
    made = client.post(f"/manage/checkin/{edition_year}/devices",
                       data={"gate": "Porte Nord", "name": "", "list_id": concert.id})
    assert made.status_code == 302
    device_page = client.get(made.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(http://localhost/scan/pair/[^"]+)"', device_page).group(1)
    assert "data:image/png;base64," in device_page
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    with app.app_context():
        device_id = db.session.scalar(select(Device.id).where(Device.gate == "Porte Nord"))
    renamed = client.post(f"/manage/checkin/{edition_year}/devices/{device_id}",
                          data={"gate": "Porte Sud", "name": "Téléphone 2",
                                "list_id": first_list_id})
    assert renamed.status_code == 302
    revoked = client.post(f"/manage/checkin/{edition_year}/devices/{device_id}/revoke")
    assert revoked.status_code == 302
    with app.app_context():
        device = db.session.get(Device, device_id)
        assert (device.gate, device.name) == ("Porte Sud", "Téléphone 2")
        assert device.revoked_at is not None
    assert client.get(link.replace("http://localhost", "")).status_code == 404


def test_conflicts_page_lists_double_admissions(client, app, auth, edition_year):
    from festival.checkin import services
    from festival.checkin.queries import door_for_token
    from festival.checkin.services import OfflineScan
    from festival.core.timeutil import utcnow
    from festival.ticketing.models import TicketType
    with app.app_context():
        checkin_list = db.session.scalar(select(CheckinList))
        ticket = make_ticket(db.session.scalar(select(TicketType)), attendee="Zoé Amrani")
        for gate, minutes in (("Porte A", 5), ("Porte B", 1)):
            device, _ = make_device(checkin_list, gate=gate)
            services.sync_offline_scans(door_for_token(device.api_token_id), [OfflineScan(
                client_scan_id=f"conflict-{gate[-1]}-0001", token=None, ticket_id=ticket.id,
                direction=services.Direction.IN, scanned_at=utcnow() - timedelta(minutes=minutes),
                local_result="ok")])
        db.session.commit()
    auth.login_as("organiser")
    html = client.get(f"/manage/checkin/{edition_year}/conflicts").get_data(as_text=True)
    assert "Zoé Amrani" in html and 'data-result="already_checked_in"' in html
    assert "Porte B" in html and "Porte A" in html
    assert "1 conflict between offline doors" in client.get(
        f"/manage/checkin/{edition_year}").get_data(as_text=True)


def test_volunteer_finds_and_checks_in_at_the_desk(client, app, auth, edition_year):
    from festival.ticketing.models import TicketType
    with app.app_context():
        ticket = make_ticket(db.session.scalar(select(TicketType)), attendee="Brahim Oufkir")
        ticket_id, list_id = ticket.id, db.session.scalar(select(CheckinList.id))
        db.session.commit()
    user = auth.login_as("volunteer")
    page = client.get("/scan/desk", query_string={"q": "oufkir", "list_id": list_id})
    assert "Brahim Oufkir" in page.get_data(as_text=True)
    done = client.post("/scan/desk/check-in", data={"list_id": list_id, "ticket_id": ticket_id,
                                                    "q": "oufkir"})
    assert done.status_code == 302
    again = client.post("/scan/desk/check-in", data={"list_id": list_id, "ticket_id": ticket_id},
                        follow_redirects=True)
    assert "Already checked in" in again.get_data(as_text=True)
    with app.app_context():
        scans = list(db.session.scalars(select(Scan).order_by(Scan.id)))
        assert [s.result.value for s in scans] == ["ok", "already_checked_in"]
        assert scans[0].user_id == user["id"] and scans[0].device_id is None


def test_devices_pair_command_prints_a_link(runner, app, edition_year):
    result = runner.invoke(args=["devices", "pair", "--gate", "Porte Est"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"http://localhost/scan/pair/[A-Za-z0-9_-]{20,}", link)
    listed = runner.invoke(args=["devices", "list"])
    assert "Porte Est" in listed.output and "waiting to be paired" in listed.output
    with app.app_context():
        device_id = db.session.scalar(select(Device.id))
    assert runner.invoke(args=["devices", "revoke", str(device_id)]).exit_code == 0
    assert runner.invoke(args=["devices", "pair", "--gate", "X", "--list", "999"]).exit_code == 1


def test_demo_doors_are_idempotent(app):
    with app.app_context():
        from festival.demo.checkin import load_checkin
        edition = make_door_edition(year=2027)
        make_ticket_type(edition, "Pass dimanche")
        make_ticket_type(edition, "Pass samedi")
        first = load_checkin(edition)
        second = load_checkin(edition)
        assert db.session.scalar(select(func.count()).select_from(CheckinList)) == 3
        assert db.session.scalar(select(func.count()).select_from(Device)) == 1
        assert any("/scan/pair/" in line for line in first)
        assert any("/scan/pair/" in line for line in second)
        concert = db.session.scalar(select(CheckinList).where(
            CheckinList.name == "Salle de concert"))
        assert concert.allow_reentry and [t.name for t in concert.ticket_types] == ["Pass samedi"]
        db.session.rollback()


def test_the_scanner_ships_the_qr_decoder_minified(client):
    """jsQR's package has only its 257 KB development build: scripts/lib/vendor.mjs
    minifies it for the phones at the door (the browser tests prove it still decodes)."""
    with client.get("/static/vendor/jsqr/jsQR.js") as decoder:
        assert decoder.status_code == 200
        source = decoder.get_data(as_text=True)
    assert len(source.encode()) < 140_000
    assert "jsQR" in source and "\n  " not in source


def test_a_volunteer_pairs_their_own_phone(client, app, auth, edition_year):
    volunteer = auth.login_as("volunteer", name="Youssef")
    page = client.get("/scan/start")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    with app.app_context():
        checkin_list = db.session.scalar(select(CheckinList))
        list_id = checkin_list.id
        make_device(checkin_list, gate="Porte B")  # a gate already in use is offered
        db.session.commit()
    assert f'<option selected value="{list_id}">Entrée</option>' in html
    assert '<option value="Porte B">' in client.get("/scan/start").get_data(as_text=True)
    paired = client.post("/scan/start", data={"list_id": list_id, "gate": " Porte  B "})
    assert paired.status_code == 200 and paired.headers["Cache-Control"] == "no-store"
    token = re.search(r'data-token="(alm_[^"]+)"', paired.get_data(as_text=True)).group(1)
    with app.app_context():
        device = db.session.scalar(select(Device).order_by(Device.id.desc()))
        assert (device.gate, device.list_id, device.created_by_id) == (
            "Porte B", list_id, volunteer["id"])
        assert device.is_paired and device.pairing_code_hash is None
        assert device.name == "Youssef"
    bundle = client.get("/api/v1/checkin/bundle", headers={"Authorization": f"Bearer {token}"})
    assert bundle.status_code == 200
    assert bundle.get_json()["device"]["gate"] == "Porte B"


def test_self_pairing_only_where_the_list_allows_it(client, app, auth, edition_year):
    auth.login_as("volunteer")
    with app.app_context():
        checkin_list = db.session.scalar(select(CheckinList))
        list_id = checkin_list.id
        closed = make_list(checkin_list.edition, "Coulisses")
        closed.allow_self_pairing = False
        db.session.commit()
        closed_id = closed.id
    html = client.get("/scan/start").get_data(as_text=True)
    assert "Entrée" in html and "Coulisses" not in html
    refused = client.post("/scan/start", data={"list_id": closed_id, "gate": "Porte A"})
    assert refused.status_code == 422
    no_gate = client.post("/scan/start", data={"list_id": list_id, "gate": "  "})
    assert no_gate.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Device)) == 0
        db.session.get(CheckinList, list_id).allow_self_pairing = False
        db.session.commit()
    html = client.get("/scan/start").get_data(as_text=True)
    assert "Ask an organiser for a pairing link" in html and 'name="gate"' not in html


def test_the_service_refuses_a_list_closed_to_volunteers(ctx):
    from festival.checkin.devices import pair_own_phone
    from festival.core.errors import DomainError
    from tests.factories import gen_user
    edition = make_door_edition()
    checkin_list = make_list(edition, "Coulisses")
    other = make_list(make_door_edition(2032), "Ailleurs")
    actor = gen_user("volunteer")
    checkin_list.allow_self_pairing = False
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        pair_own_phone(edition, checkin_list.id, gate="A", actor=actor)
    assert refused.value.code == "self_pairing_refused"
    with pytest.raises(DomainError) as elsewhere:
        pair_own_phone(edition, other.id, gate="A", actor=actor)
    assert elsewhere.value.code == "list_not_found"
    checkin_list.allow_self_pairing = True
    checkin_list.is_active = False
    with pytest.raises(DomainError):
        pair_own_phone(edition, checkin_list.id, gate="A", actor=actor)


def test_the_list_form_marks_lists_volunteers_may_pair_to(client, app, auth, edition_year):
    auth.login_as("organiser")
    with app.app_context():
        checkin_list = db.session.scalar(select(CheckinList))
        list_id = checkin_list.id
        assert checkin_list.allow_self_pairing
    url = f"/manage/checkin/{edition_year}/lists/{list_id}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="allow_self_pairing"' in form
    saved = client.post(url, data={"name": "Entrée", "is_active": "y"})
    assert saved.status_code == 302
    with app.app_context():
        assert not db.session.get(CheckinList, list_id).allow_self_pairing


def test_every_address_of_the_scanner_is_the_scanner(client):
    assert client.get("/scan/").status_code == 200
    worker = client.get("/scan/sw.js").get_data(as_text=True)
    assert '"page": "/scan", "pages": ["/scan", "/scan/"]' in worker
    html = client.get("/scan").get_data(as_text=True)
    assert 'href="/scan/start"' in html and "pairing link" in html


@pytest.fixture
def family(app, edition_year):
    """An order of two tickets: Brahim's, and a child's with no name; Brahim is inside."""
    from festival.checkin import queries, services
    from festival.ticketing.models import Ticket, TicketType
    with app.app_context():
        ticket_type = db.session.scalar(select(TicketType))
        brahim = make_ticket(ticket_type, attendee="Brahim Oufkir", buyer="Samira Oufkir",
                             email="samira@example.fr")
        child = Ticket(order=brahim.order, ticket_type_id=ticket_type.id, attendee_name="",
                       price_cents=0, status=brahim.status)
        db.session.add(child)
        db.session.flush()
        list_id = db.session.scalar(select(CheckinList.id))
        services.check_in(queries.door_for_list(list_id), ticket_id=brahim.id)
        db.session.commit()
        return {"list_id": list_id, "code": brahim.order.code, "brahim": brahim.id,
                "child": child.id}


def _rows(html: str) -> list[str]:
    return [unescape(row) for row in re.findall(r'<li class="card desk-hit".*?</li>', html,
                                                   re.DOTALL)]


def test_desk_results_tell_people_apart(client, auth, family):
    auth.login_as("volunteer")
    html = client.get("/scan/desk", query_string={"q": "oufkir",
                                                  "list_id": family["list_id"]}).get_data(
        as_text=True)
    inside, child = _rows(html)
    assert 'data-state="inside"' in inside and "<bdi>Brahim Oufkir</bdi>" in inside
    assert "Already inside" in inside and "button-secondary" in inside
    assert "Found by: name on the ticket, buyer's name" in inside
    assert "2 tickets in this order" in inside
    assert 'data-state="not_in"' in child and "No name on this ticket" in child
    assert "bought by <bdi>Samira Oufkir</bdi>" in child and "Not in yet" in child
    assert "Found by: buyer's name" in child and "button-ok" in child
    assert f'order <bdi dir="ltr">{family["code"]}</bdi>' in child
    by_email = client.get("/scan/desk", query_string={"q": "Samira@Example.fr",
                                                      "list_id": family["list_id"]})
    assert all("Found by: e-mail" in row for row in _rows(by_email.get_data(as_text=True)))
    by_piece = client.get("/scan/desk", query_string={"q": "samira@exa",
                                                      "list_id": family["list_id"]})
    assert not any("e-mail" in row for row in _rows(by_piece.get_data(as_text=True)))
    by_code = client.get("/scan/desk", query_string={"q": family["code"].lower(),
                                                     "list_id": family["list_id"]})
    assert all("Found by: order code" in row for row in _rows(by_code.get_data(as_text=True)))


def test_desk_results_in_arabic_keep_names_and_codes_apart(client, auth, family):
    auth.login_as("volunteer")
    client.set_cookie("lang", "ar")
    html = client.get("/scan/desk", query_string={"q": "oufkir",
                                                  "list_id": family["list_id"]}).get_data(
        as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    inside, child = _rows(html)
    assert "<bdi>Brahim Oufkir</bdi>" in inside and "<bdi>Samira Oufkir</bdi>" in child
    assert f'<bdi dir="ltr">{family["code"]}</bdi>' in child


def test_the_door_search_answer_shows_why_and_whose(client, app, family, api_token):
    headers = api_token("volunteer")
    found = client.get("/api/v1/checkin/search", headers=headers,
                       query_string={"q": "oufkir", "list_id": family["list_id"]})
    assert found.status_code == 200
    results = {r["ticket"]["id"]: r for r in found.get_json()["results"]}
    brahim, child = results[family["brahim"]], results[family["child"]]
    assert (brahim["state"], brahim["attendee_name"], brahim["matched"]) == (
        "inside", "Brahim Oufkir", ["name", "buyer"])
    assert (child["state"], child["attendee_name"], child["buyer_name"], child["matched"]) == (
        "not_in", "", "Samira Oufkir", ["buyer"])
    assert child["order_size"] == 2 and child["checked_in"] is False


def test_the_home_screen_icons_are_pngs_of_their_sizes(client):
    from io import BytesIO

    from PIL import Image
    manifest = client.get("/scan/manifest.webmanifest").get_json(force=True)
    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
    assert {(icon["sizes"], icon["purpose"]) for icon in pngs} == {
        ("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    html = client.get("/scan").get_data(as_text=True)
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html).group(1)
    worker = client.get("/scan/sw.js").get_data(as_text=True)
    images = {}
    for src, size in [(icon["src"], icon["sizes"]) for icon in pngs] + [(touch, "180x180")]:
        with client.get(src) as answer:
            assert answer.status_code == 200 and answer.mimetype == "image/png"
            images[src] = Image.open(BytesIO(answer.get_data()))
        assert images[src].format == "PNG" and "{}x{}".format(*images[src].size) == size
        assert src.split("?")[0] in worker  # kept for the scanner's offline start
    maskable = next(icon["src"] for icon in pngs if icon["purpose"] == "maskable")
    for opaque in (maskable, touch):  # a maskable icon fills its square; iOS shows no alpha
        assert images[opaque].convert("RGBA").getpixel((0, 0))[3] == 255


def test_devices_pair_links_to_the_port_served(test_environ, app, edition_year):
    from tests.conftest import make_app
    served = make_app({**test_environ, "PUBLIC_URL": "", "PORT": "8123"})
    result = served.test_cli_runner().invoke(args=["devices", "pair", "--gate", "Porte Est"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"http://127\.0\.0\.1:8123/scan/pair/[A-Za-z0-9_-]{20,}", link)
