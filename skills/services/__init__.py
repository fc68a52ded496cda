"""The use cases pages and the command line call; the one place that decides who may do what."""
