"""Imports every domain's models so that the mappers and Alembic see them all."""
from festival.accounts.models import ApiToken, User  # noqa: F401
from festival.associations.models import (  # noqa: F401
    Association,
    AssociationPole,
    AssociationTheme,
    MembershipEvent,
    UserPole,
)
