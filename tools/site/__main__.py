"""python -m tools.site prepare | render | toc

prepare: stage the executed lessons and the student exercises under site/.
render:  the theme's render step, run by ``jupyter-book build --html`` in site/.
toc:     rewrite site/myst.yml's table of contents from the course manifest.
"""

import sys

from tools.site import SITE, with_toc
from tools.site.prepare import main as prepare
from tools.site.render import main as render

USAGE = "usage: python -m tools.site {prepare|render|toc}"


def write_toc() -> int:
    config = SITE / "myst.yml"
    config.write_text(with_toc(config.read_text()))
    print(f"{config} table of contents written from helpers.course")
    return 0


def main(argv: list[str]) -> int:
    commands = {"prepare": prepare, "render": render, "toc": write_toc}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"error: {USAGE}", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
