"""The course's grading tool: ``python -m autograder`` (see :mod:`autograder.cli`).

A thin layer over nbgrader 0.9.6 (release, gradebook, autograde, feedback, exchange,
zip collection) whose one replaced step is execution: :mod:`autograder.engine` runs
the student's code in a sandbox (:mod:`autograder.sandbox`, :mod:`autograder._child`)
and the graded tests in the trusted grader, with only plain data
(:mod:`autograder.wire`, :mod:`autograder.remote`) crossing between them.
Test cells use :mod:`autograder.testing` and :mod:`autograder.portable`.
"""
