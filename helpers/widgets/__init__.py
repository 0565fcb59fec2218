"""Interactive explorers for the lessons.

Every explorer follows one pattern (set by the tangent explorer of lesson 01):
build the figure and its artists once, then on every control change only move
the artists (``set_data``, ``set_text``, ...) and ask for a redraw. Nothing is
rebuilt per slider move, which keeps an update well under the 25 ms budget.
"""

from helpers.widgets.base import Explorer, interactive_figure
from helpers.widgets.tangent import TangentExplorer

__all__ = ["Explorer", "interactive_figure", "TangentExplorer"]
