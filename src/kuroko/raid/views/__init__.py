"""Pages of the RAID app, one module per capability."""
