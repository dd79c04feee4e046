import gzip

import pytest
from flask import Response

from festival.core.compression import compress

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.mark.parametrize("url", ["/", "/static/js/site.js", "/static/vendor/jsqr/jsQR.js",
                                 "/static/css/app.css"])
def test_text_comes_gzipped_to_a_client_that_accepts_it(client, url):
    plain = client.get(url)
    zipped = client.get(url, headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data)
    assert gzip.decompress(zipped.data) == plain.data
    plain.close()
    zipped.close()


def test_the_gzipped_variant_has_a_weak_etag_that_still_revalidates(client):
    plain = client.get("/static/js/site.js")
    zipped = client.get("/static/js/site.js", headers=GZIP)
    assert not plain.headers["ETag"].startswith("W/")
    assert zipped.headers["ETag"] == "W/" + plain.headers["ETag"]
    again = client.get("/static/js/site.js", headers={**GZIP, "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == zipped.headers["ETag"]
    for response in (plain, zipped, again):
        response.close()


def test_a_client_that_refuses_gzip_gets_the_plain_bytes(client):
    for accept in ("identity", "gzip;q=0", ""):
        response = client.get("/", headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in response.headers, accept


def _compressed(app, response: Response, **headers) -> Response:
    with app.test_request_context("/", headers={**GZIP, **headers}):
        return compress(response)


def test_what_is_left_alone(app):
    big = "<p>" + "Tafraout " * 500 + "</p>"

    def generate():
        yield big

    left_alone = [
        Response("<p>small</p>", mimetype="text/html"),
        Response(big, mimetype="image/png"),
        Response(generate(), mimetype="text/csv"),
        Response(generate(), mimetype="text/html"),
        Response(big, mimetype="text/html", headers={"Content-Encoding": "br"}),
        Response(big, mimetype="text/html", headers={"Cache-Control": "no-transform"}),
        Response(big, status=206, mimetype="text/html"),
    ]
    for response in left_alone:
        assert _compressed(app, response).headers.get("Content-Encoding") in (None, "br")
        if not response.is_streamed:
            assert big.encode() in response.get_data() or len(response.get_data()) < 1024
    done = _compressed(app, Response(big, mimetype="text/calendar"))
    assert done.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(done.get_data()) == big.encode()
