"""Hide nbgrader's instructor-only extensions in a student environment.

Students (local venv, JupyterHub student image, Binder) see nbgrader's
*Validate* button and assignment list, but not the formgrader or the
"create assignment" toolbar, which only make sense for instructors.
Used by `make` (the project venv) and by Binder's postBuild.

    python -m tools.student_mode [PREFIX]
"""

import subprocess
import sys
from pathlib import Path

INSTRUCTOR_LAB_PLUGINS = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
]
INSTRUCTOR_SERVER_EXTENSIONS = [
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
]


def main(prefix: str | None = None) -> int:
    jupyter = Path(prefix or sys.prefix) / "bin" / "jupyter"
    commands = [
        [str(jupyter), "labextension", "disable", "--level=sys_prefix", p]
        for p in INSTRUCTOR_LAB_PLUGINS
    ]
    commands += [
        [str(jupyter), "server", "extension", "disable", "--sys-prefix", e]
        for e in INSTRUCTOR_SERVER_EXTENSIONS
    ]
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(
                f"student_mode: {' '.join(command[1:])} failed: {done.stderr.strip()}",
                file=sys.stderr,
            )
            return 1
    print("student mode: nbgrader formgrader and create-assignment hidden")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
