"""Armed policing: armed response vehicle deployments and their attendance-time analysis.

An operations package beside ``dispatch`` (DESIGN.md "Shape"): plain Python and NumPy.
"""
