"""Item 6 (POST /associations/apply must not reveal whether an e-mail address has an
account). The form's answer is the same, but its effect is not: for a new address the
applicant's password opens a fresh account; for an address that already has an account,
nothing is created. Applying with the victim's address and a password of one's choice, then
trying that password on /login, tells which addresses have accounts (the admin's, the
treasurer's...). One application and one login per address probed."""
from __future__ import annotations

from tests import factories
from tests.associations.helpers import APPLICATION, REPRESENTATIVE


def _probe(app, n: int, email: str) -> bool:
    """True when the address had no account (the login with our password works)."""
    client = app.test_client()
    data = dict(APPLICATION, **REPRESENTATIVE, password_confirm=REPRESENTATIVE["password"],
                consent="y")
    data.update(name=f"Sonde numéro {n}", email=f"probe{n}@x.example",
                representative_email=email)
    assert client.post("/associations/apply", data=data).status_code == 302
    login = client.post("/login", data={"email": email,
                                        "password": REPRESENTATIVE["password"]})
    return login.status_code == 302


def test_apply_then_login_tells_which_addresses_have_accounts(app):
    factories.user_in_db(app, "admin", email="treasurer@x.example")
    had_none = _probe(app, 1, "nobody@x.example")
    had_one = _probe(app, 2, "treasurer@x.example")
    assert had_none == had_one, "the login after applying tells the two addresses apart"
