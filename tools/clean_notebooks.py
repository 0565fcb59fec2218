"""Strip outputs, execution counts and transient metadata from notebooks.

Keeps what matters: cell sources, nbgrader cell metadata, kernelspec and
language info. Used by `make clean-notebooks`; `--check` only reports (a test
runs it so unclean notebooks never land).

    python -m tools.clean_notebooks [--check] PATH...   (files or folders)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

# Cell metadata worth keeping; everything else (execution timing, collapsed,
# scrolled, widget state...) is noise in diffs.
KEEP_CELL_METADATA = {"nbgrader", "tags", "editable", "deletable", "slideshow"}
KEEP_NOTEBOOK_METADATA = {"kernelspec", "language_info"}


def notebooks(paths) -> list[Path]:
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb":
            found.append(path)
    return found


def clean(nb) -> bool:
    """Clean a notebook in place; return True if anything changed."""
    changed = False
    for cell in nb.cells:
        extra = set(cell.metadata) - KEEP_CELL_METADATA
        for key in extra:
            del cell.metadata[key]
            changed = True
        if cell.cell_type == "code":
            if cell.outputs or cell.execution_count is not None:
                changed = True
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
            changed = True
    extra = set(nb.metadata) - KEEP_NOTEBOOK_METADATA
    for key in extra:
        del nb.metadata[key]
        changed = True
    lang = nb.metadata.get("language_info")
    if lang and set(lang) - {"name"}:
        nb.metadata["language_info"] = {"name": lang.get("name", "python")}
        changed = True
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="report unclean notebooks, change nothing"
    )
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    dirty = []
    for path in notebooks(args.paths):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # report any unreadable notebook in one line
            print(f"{path}: not a readable notebook ({exc.__class__.__name__})", file=sys.stderr)
            return 2
        if clean(nb):
            dirty.append(path)
            if not args.check:
                nbformat.write(nb, path)
    for path in dirty:
        print(f"{'unclean' if args.check else 'cleaned'}: {path}")
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    sys.exit(main())
