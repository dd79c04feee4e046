import pytest


@pytest.fixture(autouse=True)
def english(request):
    """The registry's page tests read English messages (the msgids)."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie("lang", "en")
