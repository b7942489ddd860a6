"""Safeguarding rules: risk forms, domestic abuse (DASH, MARAC), missing persons, RSOs.

Pure domain: plain dataclasses and functions; dates and times are inputs. People and
incidents are referred to by plain reference strings (no import of ``people`` or
``incidents``). Thresholds come from ``policy`` and cite their sources.
"""
