"""People and places: the nominal index, addresses and duplicate-match suggestions.

A base-row package (DESIGN.md "Shape"): every domain context may use it; it imports only the
kernel. Duplicates are only ever *suggested*, with reasons, never merged silently.
"""
