"""Pages of the tracking app, one module per capability."""
