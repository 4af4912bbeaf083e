"""Figure builders: model results in, plotly figure dicts and text descriptions out (see each module)."""

from katlearn.figures._grids import store_subplot_grids

__all__ = ["store_subplot_grids"]
