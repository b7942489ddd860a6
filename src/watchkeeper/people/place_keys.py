"""The one key an incident's location text and a stored address are matched on at intake.

An incident records where it is as free text; the nominal index records addresses as lines
and a postcode. Both go through ``normalise_line`` (abbreviations spelt out, punctuation
and case dropped) so "12 Canal St., Town" logged by a call handler meets "12 Canal Street" /
"Town" on the index.
"""

from __future__ import annotations

from watchkeeper.people.addresses import Address, normalise_line


def text_match_key(text: str) -> str:
    """The match key of one line of free text (an incident's location)."""
    return normalise_line(text.replace(";", " ").replace("|", " "))


def address_match_key(address: Address) -> str:
    """The match key of a stored address: its lines and postcode as one line of text."""
    return text_match_key(" ".join([*address.lines, address.postcode]))
