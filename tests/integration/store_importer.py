"""A separate process that imports one portable file at a given moment, as a second importer would.

Usage: python tests/integration/store_importer.py URL FILE
The file is checked first; the process then prints ``ready`` and waits for a line on its standard
input, so that several importers write at the same moment. Prints ``imported ID`` or ``refused MESSAGE``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from questionnaire.loader import load_frameworks  # noqa: E402
from storage.errors import ImportRefused  # noqa: E402
from storage.store import Store  # noqa: E402
from storage.transfer import apply_import, plan_import  # noqa: E402


def main(url: str, file: str) -> None:
    store = Store.open(url, load_frameworks())
    plan = plan_import(store, Path(file).read_bytes())
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        record = apply_import(store, plan, "Importer")
    except ImportRefused as exc:
        print(f"refused {'; '.join(exc.problems)}", flush=True)
        return
    print(f"imported {record.id}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
