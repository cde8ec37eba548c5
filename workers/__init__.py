"""Worker process entry points (`ylada worker`)."""
