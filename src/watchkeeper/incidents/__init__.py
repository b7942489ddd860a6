"""The control-room incident log: entries, derived state, risk and the backlog."""
