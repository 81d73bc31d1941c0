"""The `fraudbot` command line: thin click commands over the core."""
