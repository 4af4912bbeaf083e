"""katlearn: helpers behind the ketamine-assisted therapy course.

Layers (a lower one never imports an upper one):
content → science → figures → widgets, with quiz (grading) and progress (store) beside them.
"""

__version__ = "0.1.0"
