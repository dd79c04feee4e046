import hashlib
import re
from pathlib import Path

from flask import url_for

from festival.core.assets import IMMUTABLE

ROOT = Path(__file__).resolve().parents[2]


def _hash(name: str) -> str:
    return hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]


def test_static_urls_carry_the_hash_of_the_file(app):
    with app.test_request_context():
        assert url_for("static", filename="css/app.css") == (
            f"/static/css/app.css?v={_hash('css/app.css')}")
        assert url_for("static", filename="no/such/file.js") == "/static/no/such/file.js"


def test_pages_link_versioned_static_files(client):
    page = client.get("/").get_data(as_text=True)
    assert f'href="/static/css/app.css?v={_hash("css/app.css")}"' in page
    assert re.search(r'src="/static/js/site\.js\?v=[0-9a-f]{12}"', page)


def test_only_the_current_version_of_a_file_is_cached_for_a_year(client):
    current = client.get(f"/static/js/site.js?v={_hash('js/site.js')}")
    assert current.status_code == 200 and current.headers["Cache-Control"] == IMMUTABLE
    current.close()
    for url in ("/static/js/site.js", "/static/js/site.js?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache", url
