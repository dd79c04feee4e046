import io

import pytest
from PIL import Image

from festival.associations.logos import MAX_BYTES, logo_folder, prepare_logo, set_logo
from festival.associations.models import Association
from festival.core.errors import DomainError, ValidationError
from festival.extensions import db
from tests import factories
from tests.associations.helpers import S, association_with_status, png_bytes


def test_a_real_image_is_resized_and_reencoded_as_png(ctx):
    out = prepare_logo(io.BytesIO(png_bytes((1600, 900), fmt="JPEG")))
    image = Image.open(io.BytesIO(out))
    assert image.format == "PNG" and max(image.size) == 512 and image.size == (512, 288)
    small = Image.open(io.BytesIO(prepare_logo(io.BytesIO(png_bytes((100, 80))))))
    assert small.size == (100, 80)  # never enlarged


@pytest.mark.parametrize("data, words", [
    (b"this is only text, named logo.png", "not an image"),
    (png_bytes()[:300], "damaged"),                     # truncated
    (b"", "Choose"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "not an image"),
])
def test_anything_but_a_whole_image_is_refused_clearly(ctx, data, words):
    with pytest.raises(ValidationError) as caught:
        prepare_logo(io.BytesIO(data))
    assert words in caught.value.fields["logo"][0]


def test_other_formats_and_sizes_are_refused(ctx):
    bmp = io.BytesIO()
    Image.new("RGB", (10, 10)).save(bmp, format="BMP")
    with pytest.raises(ValidationError) as caught:
        prepare_logo(io.BytesIO(bmp.getvalue()))
    assert "PNG, JPEG" in caught.value.fields["logo"][0]
    with pytest.raises(ValidationError) as caught:
        prepare_logo(io.BytesIO(b"\x89PNG" + b"\0" * MAX_BYTES))
    assert "MB" in caught.value.fields["logo"][0]


def test_a_huge_picture_in_a_small_file_is_a_clear_field_error(ctx, monkeypatch):
    from PIL import ImageFile
    assert prepare_logo(io.BytesIO(png_bytes((1000, 1000))))  # a usual size goes
    out = io.BytesIO()
    Image.new("1", (6300, 6300), 1).save(out, format="PNG", optimize=True)
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: pytest.fail("the image was decoded"))
    with pytest.raises(ValidationError) as caught:
        prepare_logo(io.BytesIO(out.getvalue()))
    assert "at most 4000 pixels a side" in caught.value.fields["logo"][0]


def test_a_jpeg_of_thousands_of_scans_is_a_clear_field_error(ctx):
    out = io.BytesIO()
    Image.new("RGB", (400, 400), (120, 30, 200)).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    end = data.rfind(b"\xff\xd9")
    last_scan = data[data.rfind(b"\xff\xda", 0, end):end]
    with pytest.raises(ValidationError) as caught:
        prepare_logo(io.BytesIO(data[:end] + last_scan * 1500 + b"\xff\xd9"))
    assert "too many passes" in caught.value.fields["logo"][0]


def test_stored_under_a_chosen_name_and_the_old_file_goes_after_commit(app):
    with app.app_context():
        association = factories.gen_association()
        first = set_logo(association, io.BytesIO(png_bytes()), actor=None)
        db.session.commit()
        assert first.startswith(f"{association.id}-") and first.endswith(".png")
        assert (logo_folder() / first).is_file()
        second = set_logo(association, io.BytesIO(png_bytes(color=(0, 0, 0))), actor=None)
        assert (logo_folder() / first).is_file()  # not before the commit
        db.session.commit()
        assert not (logo_folder() / first).exists() and (logo_folder() / second).is_file()
        third = set_logo(association, io.BytesIO(png_bytes()), actor=None)
        db.session.rollback()  # the change is undone: its new file goes, the old one stays
        assert not (logo_folder() / third).exists() and (logo_folder() / second).is_file()
        assert db.session.get(Association, association.id).logo_filename == second


def test_only_organisers_and_own_representatives_change_a_logo(ctx):
    association = factories.gen_association()
    other = factories.gen_association()
    stranger = factories.gen_user("association", association=other)
    with pytest.raises(DomainError) as caught:
        set_logo(association, io.BytesIO(png_bytes()), actor=stranger)
    assert caught.value.code == "forbidden"
    own = factories.gen_user("association", association=association)
    assert set_logo(association, io.BytesIO(png_bytes()), actor=own)


def test_a_representative_whose_address_is_not_confirmed_may_not_change_the_logo(ctx):
    from festival.associations import services
    from tests.associations.helpers import APPLICATION, REPRESENTATIVE
    association = services.apply(APPLICATION, **REPRESENTATIVE)
    [applicant] = association.representatives
    assert not applicant.is_confirmed
    with pytest.raises(DomainError) as caught:
        set_logo(association, io.BytesIO(png_bytes()), actor=applicant)
    assert caught.value.code == "forbidden"


def _with_logo(app, status=S.MEMBER):
    with app.app_context():
        association = association_with_status(status)
        set_logo(association, io.BytesIO(png_bytes()), actor=None)
        db.session.commit()
        return association.slug, association.logo_filename


def _get(client, url, **kwargs):
    """GET a file route, reading and closing the response (it holds the file open)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_logo_route_serves_members_with_long_caching(app, client):
    slug, filename = _with_logo(app)
    version = filename.rsplit("-", 1)[1].split(".")[0]
    response = _get(client, f"/associations/{slug}/logo?v={version}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).format == "PNG"
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    unversioned = _get(client, f"/associations/{slug}/logo")
    assert "max-age=3600" in unversioned.headers["Cache-Control"]
    again = _get(client, f"/associations/{slug}/logo?v={version}",
                 headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_logo_route_hides_non_members(app, client, auth):
    slug, _ = _with_logo(app, S.APPLIED)
    assert client.get(f"/associations/{slug}/logo").status_code == 404
    assert client.get("/associations/nobody/logo").status_code == 404
    auth.login_as("organiser")
    response = _get(client, f"/associations/{slug}/logo")
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]


def test_logo_upload_pages(app, client, auth):
    with app.app_context():
        association = factories.gen_association()
        association_id, slug = association.id, association.slug
        db.session.commit()
    auth.login_as("association", association=_reload(app, association_id))
    bad = client.post("/my-association/logo", data={
        "logo": (io.BytesIO(b"plain text"), "logo.png")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "not an image" in bad.get_data(as_text=True)
    good = client.post("/my-association/logo", data={
        "logo": (io.BytesIO(png_bytes()), "../../etc/passwd.png")},
        content_type="multipart/form-data")
    assert good.status_code == 302
    with app.app_context():
        stored = db.session.get(Association, association_id).logo_filename
        assert stored.startswith(f"{association_id}-") and "passwd" not in stored
    page = client.get(f"/associations/{slug}").get_data(as_text=True)
    assert f"/associations/{slug}/logo?v=" in page
    assert client.post("/my-association/logo/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Association, association_id).logo_filename is None


def test_organisers_upload_from_the_record(app, client, auth):
    with app.app_context():
        association_id = factories.gen_association().id
        db.session.commit()
    auth.login_as("organiser")
    url = f"/manage/associations/{association_id}/logo"
    response = client.post(url, data={"logo": (io.BytesIO(png_bytes()[:200]), "x.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "damaged" in response.get_data(as_text=True)
    client.post(url, data={"logo": (io.BytesIO(png_bytes()), "x.png")},
                content_type="multipart/form-data")
    with app.app_context():
        assert db.session.get(Association, association_id).logo_filename
    client.post(f"{url}/delete")
    with app.app_context():
        assert db.session.get(Association, association_id).logo_filename is None


def _reload(app, association_id):
    with app.app_context():
        return db.session.get(Association, association_id)
