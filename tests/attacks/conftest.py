"""Attack fixtures: reuse the check-in helpers (an edition whose days are today)."""
from tests.checkin.conftest import _forget_process_memory  # noqa: F401
