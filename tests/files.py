"""Portable assessment files for tests: the worked example, and hand-made variants signed like real exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storage.portable import digest_of

RIVERTON = Path(__file__).resolve().parent / "fixtures" / "assessments" / "riverton-2026.json"


def riverton() -> dict[str, Any]:
    """The worked-example file's content, to change and sign again."""
    content: dict[str, Any] = json.loads(RIVERTON.read_text(encoding="utf-8"))
    return content


def signed(content: dict[str, Any]) -> bytes:
    """``content`` with a correct integrity hash, as a file would be after a genuine export."""
    content = {**content, "integrity": {"algorithm": "sha256", "digest": digest_of(content)}}
    return json.dumps(content, indent=2, ensure_ascii=False).encode("utf-8")
