import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are compared as written in the code, whatever the catalogue says."""
    with translation.override("en"):
        yield
