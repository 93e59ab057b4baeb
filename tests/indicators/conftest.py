from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def back_to_latest(transactional_db):
    """For tests that take the database back to an older migration: forward again after."""
    yield
    call_command("migrate", verbosity=0)
