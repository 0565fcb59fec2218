# nbgrader configuration for a course directory that grades this course.
#
# `python -m autograder release ... --course DIR` writes this file into DIR (once,
# with the --course-id and --exchange it was given) so that nbgrader's own commands
# run there (`nbgrader collect`, `nbgrader release_feedback`, `nbgrader autograde`,
# the formgrader) use the same settings and the same trusted grading engine as
# `python -m autograder grade`. Add your own settings below, e.g. the course id and
# the exchange of a JupyterHub:
#
#     c.CourseDirectory.course_id = "derivatives-2025"
#     c.Exchange.root = "/srv/nbgrader/exchange"
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

from autograder.config import apply  # noqa: E402

apply(c, sandbox="require")
