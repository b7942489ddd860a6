"""Inspection frameworks as data (TOML), one file per framework version."""
