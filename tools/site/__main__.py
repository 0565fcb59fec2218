"""python -m tools.site prepare | render

prepare: stage the executed lessons and the student exercises under site/.
render:  the theme's render step, run by ``jupyter-book build --html`` in site/.
"""

import sys

from tools.site.prepare import main as prepare
from tools.site.render import main as render

USAGE = "usage: python -m tools.site {prepare|render}"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("prepare", "render"):
        print(f"error: {USAGE}", file=sys.stderr)
        return 2
    return prepare() if argv[0] == "prepare" else render()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
