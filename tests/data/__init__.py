"""Sample files for the import tests (see test_import.py)."""
