"""One module of routes per subject."""
