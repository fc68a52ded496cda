"""crosstrain's domain package: loading, coverage, planning and exports, free of any UI."""
