"""The whole coach on a real database: see tests/conftest.py for `database` and `app`."""
