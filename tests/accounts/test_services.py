import pytest
from werkzeug.security import check_password_hash

from festival.accounts import services
from festival.accounts.models import ApiToken, LoginThrottle
from festival.core.errors import DomainError, ValidationError
from festival.extensions import db
from tests import factories


def test_create_user_normalises_email_and_hashes_password(ctx):
    user = services.create_user("  Fatima@Example.FR ", "long enough pw", "organiser")
    assert user.email == "fatima@example.fr"
    assert user.password_hash != "long enough pw"
    assert check_password_hash(user.password_hash, "long enough pw")


@pytest.mark.parametrize("email, password, role, field", [
    ("not-an-email", "long enough pw", "organiser", "email"),
    ("a@b.fr", "short", "organiser", "password"),
    ("a@b.fr", "long enough pw", "pope", "role"),
])
def test_create_user_refuses_bad_input_by_field(ctx, email, password, role, field):
    with pytest.raises(ValidationError) as info:
        services.create_user(email, password, role)
    assert field in info.value.fields


def test_email_is_unique_whatever_its_case(ctx):
    services.create_user("a@b.fr", "long enough pw", "volunteer")
    with pytest.raises(DomainError) as info:
        services.create_user("A@B.FR", "long enough pw", "volunteer")
    assert info.value.code == "email_taken"


def test_authenticate_counts_failures_and_resets_them(ctx):
    user = factories.gen_user("volunteer")
    with pytest.raises(DomainError, match="Wrong e-mail"):
        services.authenticate(user.email, "wrong password", client="10.0.0.1")
    assert db.session.scalar(db.select(LoginThrottle.failures)) == 1
    assert services.authenticate(user.email, factories.PASSWORD, client="10.0.0.1") is user
    assert db.session.scalar(db.select(LoginThrottle)) is None
    assert user.last_login_at is not None


def test_disabled_account_cannot_log_in(ctx):
    user = factories.gen_user("volunteer")
    user.is_enabled = False
    with pytest.raises(DomainError):
        services.authenticate(user.email, factories.PASSWORD)


def test_change_password_checks_the_current_one(ctx):
    user = factories.gen_user("organiser")
    with pytest.raises(ValidationError) as info:
        services.change_password(user, "nope", "a brand new password")
    assert "current_password" in info.value.fields
    services.change_password(user, factories.PASSWORD, "a brand new password")
    assert services.authenticate(user.email, "a brand new password") is user


def test_tokens_store_only_a_hash_and_can_be_revoked(ctx):
    token, plain = services.create_api_token("Door 1", "volunteer")
    db.session.commit()
    assert plain.startswith("alm_") and plain not in (token.token_hash, token.prefix)
    assert db.session.scalar(db.select(ApiToken.token_hash)) == services.hash_token(plain)
    assert services.principal_for_bearer(f"Bearer {plain}").id == token.id
    assert services.principal_for_bearer(f"Bearer {plain}x") is None
    assert services.principal_for_bearer(f"Basic {plain}") is None
    services.revoke_api_token(token.id)
    db.session.commit()
    assert services.principal_for_bearer(f"Bearer {plain}") is None


def test_a_kept_principal_is_read_again_after_a_few_seconds_and_only_when_asked(ctx):
    token, plain = services.create_api_token("Door 3", "volunteer")
    db.session.commit()
    kept = services.principal_for_bearer(f"Bearer {plain}", kept=True)
    services.revoke_api_token(token.id)
    db.session.commit()
    # Within KEPT_FOR, the endpoint that asked for it gets it (and checks the token itself,
    # with require_live_token or in its statement); every other call reads the token.
    assert services.principal_for_bearer(f"Bearer {plain}", kept=True) is kept
    assert services.principal_for_bearer(f"Bearer {plain}") is None
    with pytest.raises(DomainError) as refused:
        services.require_live_token(kept.id)
    assert refused.value.status == 401
    clock = services._principals.clock
    services._principals.clock = lambda: clock() + services.KEPT_FOR + 1
    try:
        assert services.principal_for_bearer(f"Bearer {plain}", kept=True) is None
    finally:
        services._principals.clock = clock


def test_a_token_in_use_notes_when_it_was_last_used_at_most_once_a_minute(ctx):
    token, plain = services.create_api_token("Door 2", "volunteer")
    db.session.commit()
    principal = services.principal_for_bearer(f"Bearer {plain}")
    assert (principal.name, principal.role, principal.created_by) == ("Door 2", "volunteer",
                                                                      None)
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None
    services.principal_for_bearer(f"Bearer {plain}")
    db.session.refresh(token)
    assert token.last_used_at == first  # within the minute: no write
    token.last_used_at = first - services.LAST_USED_RESOLUTION * 2
    db.session.commit()
    services.principal_for_bearer(f"Bearer {plain}")
    db.session.refresh(token)
    assert token.last_used_at > first - services.LAST_USED_RESOLUTION


def test_token_role_must_be_organiser_or_volunteer(ctx):
    with pytest.raises(ValidationError):
        services.create_api_token("x", "admin")
    with pytest.raises(ValidationError):
        services.create_api_token("  ", "volunteer")
