"""Dispatch: units, travel estimates, recommended assignments and breach forecasts.

A pure domain package on the operations row: it reads incident state and risk from
``incidents`` and never writes; storage, the web and the simulator call it.
"""
