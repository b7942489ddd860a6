"""Organised crime: OCG register, threat scoring, LROs, 4P plans, disruptions and SCPOs.

A domain package (DESIGN.md "Shape"): plain Python, no storage or web. Members are people on
the nominal index (by reference); 4P actions are ``duties``.
"""
