"""Routine tasks as data: the procedure format, the built-in procedures, a shop's own, and their interpreter."""
