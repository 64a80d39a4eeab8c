"""Reports: pure computations over domain values that the shells render."""
