"""Duties: owned, due, escalating tasks — one model for every action someone owes.

A base-row package (DESIGN.md "Shape"): safeguarding, incidents and organised crime all raise
duties here. It imports only the kernel; owners and supervisors are plain usernames.
"""
