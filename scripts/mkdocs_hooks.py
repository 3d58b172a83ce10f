"""mkdocs hooks of the documentation site (mkdocs.yml ``hooks:``).

The pages in docs/ are also read on GitHub, where a link such as ``../benchmarks/RESULTS.md``
reaches a file of the repository outside docs/. The site has no such file: such a link becomes
the file's repository path in code, so that ``mkdocs build --strict`` still fails on links
that lead nowhere at all.

It also adds the event catalog page, reference/event-catalog.md, generated from
aiotim.events.catalog at each build (scripts/event_catalog.py).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
_LINK = re.compile(r"\[([^\]]+)\]\((\.\./[^)#\s]+)(#[^)]*)?\)")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Rewrite links that leave docs/ for a file of the repository."""
    page_dir = (DOCS / page.file.src_path).parent

    def repl(m: re.Match[str]) -> str:
        target = (page_dir / m.group(2)).resolve()
        try:
            rel = target.relative_to(ROOT)
        except ValueError:
            return m.group(0)
        if target.is_relative_to(DOCS) or not target.exists():
            return m.group(0)  # inside the site, or broken: mkdocs judges it
        return f"{m.group(1)} (`{posixpath.join(*rel.parts)}` in the repository)"

    return _LINK.sub(repl, markdown)


CATALOG_PAGE = "reference/event-catalog.md"


def on_files(files: Any, config: Any) -> Any:
    """Add the generated event catalog page."""
    import importlib
    import sys

    # imported here, untyped: scripts/check type-checks scripts/ before the docs extra exists
    file_type = importlib.import_module("mkdocs.structure.files").File

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from event_catalog import render
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    files.append(file_type.generated(config, CATALOG_PAGE, content=render()))
    return files
