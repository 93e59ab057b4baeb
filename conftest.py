"""Test-wide set-up. Tests run with DEBUG on (development secret key, no HTTPS redirect);
the production settings are checked in a subprocess by tests/config/test_settings.py."""

import os

os.environ.setdefault("DEBUG", "1")
