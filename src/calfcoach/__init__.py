"""calfcoach: lower-leg and foot strength coaching for runners."""

__version__ = "0.1.0"
__all__ = ["__version__"]
