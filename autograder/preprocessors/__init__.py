"""The course's nbgrader preprocessors, one per module (as nbgrader's own).

- :class:`TrustedExecute` replaces nbgrader's ``Execute`` in autograding;
- :class:`DropEmptyGradingMetadata` mends a duplicated cell before nbgrader sees it;
- :class:`HideOutputsAfterHiddenTests` keeps hidden tests' inputs out of feedback pages.
"""

from autograder.preprocessors.drop_empty_grading_metadata import DropEmptyGradingMetadata
from autograder.preprocessors.hide_outputs_after_hidden_tests import HideOutputsAfterHiddenTests
from autograder.preprocessors.trusted_execute import TrustedExecute

__all__ = ["DropEmptyGradingMetadata", "HideOutputsAfterHiddenTests", "TrustedExecute"]
