"""Data files the app reads: the ISCED-F 2013 fields of education, the demo
data set (``demo.yaml``) and the shapes ``generate_data`` draws from."""

from functools import cache
from pathlib import Path

import yaml

DIRECTORY = Path(__file__).resolve().parent
DEMO_FILE = DIRECTORY / "demo.yaml"


@cache
def demo_records() -> dict[str, list[dict]]:
    """The demo data set: ``institutions``, ``agreements``, ``exchanges`` and
    ``interests``, each a list of plain mappings (see ``demo.yaml``)."""
    with DEMO_FILE.open(encoding="utf-8") as file:
        return yaml.safe_load(file)
