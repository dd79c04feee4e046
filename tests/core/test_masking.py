"""The outbox pages show messages with the secrets of their links masked."""
from __future__ import annotations

from festival.core.masking import MASK, mask_secrets, secrets_in
from festival.core.urls import absolute_url


def test_reset_tokens_and_order_secrets_are_masked_in_text_and_html(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://almoggar.example/festival")
    reset = absolute_url("accounts.reset_password", token="T0k3n-abc_DEF123456")
    order = absolute_url("ticketing.order", code="AB7K", secret="S3cr3t-xyz_98765",
                         checkout="success")
    text = f"Reset: {reset}\nOrder: {order}\nYour secret S3cr3t-xyz_98765 again."
    html = f'<a href="{order.replace("&", "&amp;")}">See</a> <a href="{reset}">Reset</a>'
    assert secrets_in(text) == secrets_in(html) == {"T0k3n-abc_DEF123456", "S3cr3t-xyz_98765"}
    for shown in (mask_secrets(text), mask_secrets(html)):
        assert "T0k3n" not in shown and "S3cr3t" not in shown
        assert MASK in shown and "/orders/AB7K" in shown and "/password/reset/" in shown
    assert mask_secrets(text).count(MASK) == 3  # the bare copy of the secret as well


def test_other_links_and_plain_text_are_left_alone(ctx):
    text = ("Programme: http://localhost/2027/sessions/12 and https://example.org/?page=2\n"
            "Site: http://localhost/")
    assert mask_secrets(text) == text
    assert mask_secrets(None) is None
