"""payplan — open, explainable incentive compensation for B2B sales teams."""

__version__ = "0.1.0"
