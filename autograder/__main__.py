"""Command line: ``python -m autograder COMMAND ...`` (see ``--help``)."""

import sys

# jsonschema (through nbformat) imports this optional IRI checker, which costs ~3 s
# and that notebooks never need: keep it out before anything imports nbformat
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from autograder.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
