"""Set up a student environment: hide instructor tools, keep the course's Python first.

Students (local venv, JupyterHub student image, Binder) see nbgrader's *Validate*
button and assignment list, but not the formgrader or the "create assignment" toolbar,
which only make sense for instructors.

JupyterLab's terminals start the user's shell, which reads ``~/.bashrc``; when that
file activates conda or pyenv, their ``python`` comes first on PATH and
``python -m autograder check ...`` fails with ``No module named 'nbformat'``. So the
Jupyter server of this environment is configured to start terminals as
``bash --rcfile <prefix>/etc/jupyter/course-terminal.bashrc -i``: that file reads the
user's ``~/.bashrc`` as usual and then puts the environment's ``bin/`` back in front
(again before every prompt, in case a prompt hook moves it).

Used by `make` (the project venv; `make lab` refreshes the terminal setup) and by
Binder's postBuild.

    python -m tools.student_mode [PREFIX] [--terminal-only]
"""

import json
import shlex
import shutil
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
TERMINAL_RC = "course-terminal.bashrc"


def hide_instructor_tools(prefix: Path) -> bool:
    jupyter = prefix / "bin" / "jupyter"
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
            return False
    return True


def terminal_rc(bin_dir: Path) -> str:
    """The terminal's bash startup file: the user's ~/.bashrc, then ``bin_dir`` first on PATH."""
    first = shlex.quote(str(bin_dir))
    return f"""# Written by `python -m tools.student_mode` for the course's JupyterLab terminals:
# your usual ~/.bashrc first, then the course's Python in front of whatever it activated
# (conda, pyenv, ...), so that `python -m autograder check ...` uses the course's packages.
if [ -f "$HOME/.bashrc" ]; then . "$HOME/.bashrc"; fi
_course_python_first() {{
    local first={first} rest
    rest=":$PATH:"
    rest="${{rest//:"$first":/:}}"
    rest="${{rest#:}}"
    PATH="$first:${{rest%:}}"
    export PATH
    hash -r
}}
_course_python_first
PROMPT_COMMAND="${{PROMPT_COMMAND:+$PROMPT_COMMAND;}}_course_python_first"
"""


def configure_terminal(prefix: Path) -> list[str] | None:
    """Make the Jupyter server of ``prefix`` start terminals with :func:`terminal_rc`.

    Writes ``<prefix>/etc/jupyter/course-terminal.bashrc`` and sets
    ``ServerApp.terminado_settings.shell_command`` in that prefix's
    ``jupyter_server_config.json`` (other settings there are kept). Returns the shell
    command, or None when there is no bash (the default terminal is left alone).
    """
    bash = shutil.which("bash")
    if bash is None:
        return None
    etc = prefix / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    rc = etc / TERMINAL_RC
    rc.write_text(terminal_rc(prefix.resolve() / "bin"), encoding="utf-8")
    command = [bash, "--rcfile", str(rc.resolve()), "-i"]
    config_file = etc / "jupyter_server_config.json"
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    settings = config.setdefault("ServerApp", {}).setdefault("terminado_settings", {})
    settings["shell_command"] = command
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return command


def main(argv: list[str]) -> int:
    terminal_only = "--terminal-only" in argv
    args = [a for a in argv if a != "--terminal-only"]
    prefix = Path(args[0] if args else sys.prefix)
    if not terminal_only:
        if not hide_instructor_tools(prefix):
            return 1
        print("student mode: nbgrader formgrader and create-assignment hidden")
    if configure_terminal(prefix) is None:
        print("student mode: no bash found, terminals keep their default shell")
    elif not terminal_only:
        print("student mode: terminals put the course's Python first on PATH")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
