"""Watchkeeper: a vulnerability-first operations platform for a police force."""

__version__ = "0.1.0"
