"""What Binder builds, from repo2docker itself (``--no-build``: the Dockerfile it would
build, printed without Docker), and where the README's badge takes a learner."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from tools.site import HOME, ROOT, course

REPO2DOCKER = Path(sys.executable).parent / "repo2docker"
BADGE = re.compile(r"\(https://mybinder\.org/badge_logo\.svg\)\]\(([^)]+)\)")


@pytest.fixture(scope="module")
def binder_plan() -> tuple[str, str]:
    done = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, done.stderr


def test_binder_builds_the_conda_environment_from_environment_yml(binder_plan):
    dockerfile, log = binder_plan
    assert "Building conda environment for python=3.11" in log
    assert re.search(r"COPY .*src/environment\.yml \$\{REPO_DIR\}/environment\.yml", dockerfile)
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"', dockerfile)


def test_binder_runs_postbuild_after_the_environment(binder_plan):
    dockerfile, _ = binder_plan
    lines = dockerfile.splitlines()
    run_post_build = lines.index("RUN ./postBuild")
    environment = next(i for i, line in enumerate(lines) if '--file "environment.yml"' in line)
    assert environment < run_post_build
    assert "RUN chmod +x postBuild" in lines


def test_readme_badge_opens_the_course_home_from_the_configured_repository():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:10])
    badges = BADGE.findall(first_screen)
    assert badges == [course().binder_url(HOME)]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(badges[0]).query)
    assert query["urlpath"] == [f"lab/tree/{HOME}"]
    assert (ROOT / HOME).is_file()
    assert badges[0].startswith(f"https://mybinder.org/v2/gh/{course().github_path}/")
