"""The planners: one package each, sharing the solver runner and one plan contract."""
