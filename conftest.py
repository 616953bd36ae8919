"""pytest set-up for the whole repository (tests/ and the doctests in src/msutils)."""

import matplotlib

matplotlib.use("Agg")  # doctests and tests draw figures off-screen, whatever the machine's display
