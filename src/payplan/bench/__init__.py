"""The benchmark suite behind `payplan bench`: figures, not pass/fail tests."""
