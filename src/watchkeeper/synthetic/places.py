"""Fictional places and people for synthetic incidents: areas, streets, callers.

The layout is made up: five square areas (north, south, east, west, central) around a
configured centre, with invented street names. Callers get invented names from small
built-in lists and phone numbers from Ofcom's range reserved for drama (07700 900000-900999),
so no real person or line is described.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from watchkeeper.incidents.entries import Caller, Location
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.synthetic.config import SyntheticConfig

KM_PER_DEGREE_LAT = 111.32
# Area -> (north, east) offset of its box centre, in box widths, from the layout centre.
AREA_OFFSETS = {
    "central": (0.0, 0.0),
    "north": (1.0, 0.0),
    "south": (-1.0, 0.0),
    "east": (0.0, 1.0),
    "west": (0.0, -1.0),
}
STREET_STEMS = (
    "Alder", "Beacon", "Birchfield", "Brook", "Canal", "Chapel", "Clover", "Coppice", "Dale",
    "Elm", "Fernlea", "Forge", "Foundry", "Glebe", "Hawthorn", "Heath", "Holly", "Kiln",
    "Larch", "Lock", "Maple", "Meadow", "Mill", "Nailers", "Oak", "Orchard", "Pool", "Priory",
    "Quarry", "Rowan", "Sandpit", "Spring", "Tannery", "Tower", "Vicarage", "Weaver", "Well",
    "Willow", "Wharf", "Yew",
)  # fmt: skip
STREET_SUFFIXES = ("Road", "Street", "Close", "Avenue", "Lane", "Grove")
FIRST_NAMES = (
    "Alex", "Amira", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Imran",
    "Jade", "Kieran", "Leah", "Marcus", "Nadia", "Oliver", "Priya", "Ryan", "Sophie", "Tariq",
    "Uma", "Victor", "Wendy", "Yusuf", "Zoe", "Grace", "Liam", "Aisha", "Tom", "Megan",
)  # fmt: skip
SURNAMES = (
    "Ashby", "Bramley", "Carver", "Dunmore", "Ellery", "Fenwick", "Garside", "Holloway",
    "Ingram", "Jessop", "Kettley", "Lomax", "Marston", "Nettleton", "Oakes", "Pennock",
    "Quigley", "Rushton", "Sadler", "Thorley", "Upton", "Varley", "Wainwright", "Yardley",
    "Ahmed", "Begum", "Hussain", "Kaur", "Singh", "Okafor",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Person:
    """A synthetic caller: an invented name and number, a person reference and a home."""

    caller: Caller
    home: Location


def check_areas(config: SyntheticConfig) -> None:
    """Refuse area weights for areas the made-up layout does not have."""
    for area in config.geography.area_weights.shares:
        if area not in AREA_OFFSETS:
            raise ConfigurationError(
                f"synthetic config: 'geography.area_weights.weights.{area}' is not one of "
                f"{sorted(AREA_OFFSETS)}"
            )


class Places:
    """Pools of addresses and people for one generation run (repeats come from here)."""

    def __init__(self, config: SyntheticConfig, rng: np.random.Generator) -> None:
        check_areas(config)
        self._config = config
        self._rng = rng
        weights = config.geography.area_weights.shares
        self._areas = tuple(weights)
        self._area_p = np.array([weights[a] for a in self._areas])
        self._addresses: list[Location] = []
        self._people: list[Person] = []

    def _box_point(self, area: str) -> tuple[float, float]:
        geo = self._config.geography
        km = geo.area_km.value
        north, east = AREA_OFFSETS[area]
        lat0 = geo.centre_lat.value + north * km / KM_PER_DEGREE_LAT
        km_per_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(geo.centre_lat.value))
        lon0 = geo.centre_lon.value + east * km / km_per_lon
        dy, dx = (float(v) * km for v in self._rng.uniform(-0.5, 0.5, size=2))
        return round(lat0 + dy / KM_PER_DEGREE_LAT, 6), round(lon0 + dx / km_per_lon, 6)

    def new_address(self) -> Location:
        """A fresh address in an area drawn by the configured weights."""
        area = str(self._rng.choice(self._areas, p=self._area_p))
        # Each invented street belongs to one area, so an address text is unique to it.
        area_index = self._areas.index(area)
        streets = [
            i
            for i in range(len(STREET_STEMS) * len(STREET_SUFFIXES))
            if i % len(self._areas) == area_index
        ]
        street = int(self._rng.choice(streets))
        stem = STREET_STEMS[street % len(STREET_STEMS)]
        suffix = STREET_SUFFIXES[street // len(STREET_STEMS)]
        house = int(self._rng.integers(1, 240))
        lat, lon = self._box_point(area)
        location = Location(f"{house} {stem} {suffix}", area, lat, lon)
        self._addresses.append(location)
        return location

    def address(self) -> Location:
        """An address: sometimes one already seen (a repeat location)."""
        repeat = self._config.people.repeat_address_share.value
        if self._addresses and self._rng.random() < repeat:
            return self._addresses[int(self._rng.integers(len(self._addresses)))]
        return self.new_address()

    def _new_person(self) -> Person:
        number = len(self._people) + 1
        name = f"{self._rng.choice(FIRST_NAMES)} {self._rng.choice(SURNAMES)}"
        phone = f"07700 900{int(self._rng.integers(1000)):03d}"
        person = Person(Caller(name, phone, f"syn-p-{number:06d}"), self.new_address())
        self._people.append(person)
        return person

    def caller(self, domestic_abuse: bool) -> tuple[Caller, Location, bool]:
        """A caller, where they call about, and whether they have called before."""
        people = self._config.people
        share = people.repeat_caller_share_da if domestic_abuse else people.repeat_caller_share
        if self._people and self._rng.random() < share.value:
            person = self._people[int(self._rng.integers(len(self._people)))]
            at_home = self._rng.random() < people.repeat_at_home_share.value
            return person.caller, person.home if at_home else self.address(), True
        person = self._new_person()
        # Domestic abuse is usually reported from home.
        location = person.home if domestic_abuse else self.address()
        return person.caller, location, False
