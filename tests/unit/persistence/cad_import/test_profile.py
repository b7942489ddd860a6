"""Mapping profiles: bundled ones load and say what they assume; bad ones name file and key."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from watchkeeper.incidents.entries import Grade
from watchkeeper.kernel.errors import ConfigurationError
from watchkeeper.persistence.cad_import.profile import BUNDLED, load_profile

MAPPING_TABLES = ("priority", "types", "source", "area", "closing")


def _bundled_text(name: str) -> str:
    return resources.files("watchkeeper.resources.profiles").joinpath(f"{name}.toml").read_text()


def _write_variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = _bundled_text(name)
    assert old in text, f"{old!r} not in {name}"
    path = tmp_path / f"{name}-variant.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_profile_loads_against_the_default_force_profile(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    assert profile.source_system
    assert profile.reference_column in profile.required_columns


@pytest.mark.parametrize("name", BUNDLED)
def test_every_mapping_table_in_a_bundled_profile_says_it_is_an_assumption(name: str) -> None:
    doc = tomllib.loads(_bundled_text(name))
    for table in MAPPING_TABLES:
        if table in doc:
            assert "assum" in doc[table]["assumption"].lower(), f"{name}: {table}"


def test_san_diego_priorities_map_onto_the_four_canonical_grades() -> None:
    profile = load_profile("san-diego")
    assert profile.priority is not None
    grades = {code: profile.grades[label] for code, label in profile.priority.mapping.items()}
    assert grades == {
        "0": Grade.EMERGENCY,
        "1": Grade.EMERGENCY,
        "2": Grade.PRIORITY,
        "3": Grade.SCHEDULED,
        "4": Grade.RESOLUTION_WITHOUT_DEPLOYMENT,
        "9": Grade.RESOLUTION_WITHOUT_DEPLOYMENT,
    }


def test_san_luis_obispo_has_no_priority_column_so_every_mapped_type_names_a_grade() -> None:
    profile = load_profile("san-luis-obispo")
    assert profile.priority is None
    assert all(rule.grade_label for rule in profile.types.values())
    assert set(profile.events) == {"dispatched", "arrived", "cleared"}


def test_a_profile_given_by_path_is_named_after_its_file(tmp_path: Path) -> None:
    path = _write_variant(
        tmp_path, "seattle", 'source_system = "spd-call-data"', 'source_system = "spd"'
    )
    profile = load_profile(path)
    assert profile.name == "seattle-variant"
    assert profile.source_system == "spd"


def test_a_missing_key_is_refused_naming_the_file_and_the_key(tmp_path: Path) -> None:
    path = _write_variant(tmp_path, "seattle", 'reference_column = "CAD Event Number"', "")
    with pytest.raises(
        ConfigurationError, match=r"seattle-variant\.toml.*'reference_column' is missing"
    ):
        load_profile(path)


def test_a_mapping_table_without_an_assumption_is_refused(tmp_path: Path) -> None:
    path = _write_variant(
        tmp_path, "seattle", 'assumption = "SPD East Precinct', 'note = "SPD East Precinct'
    )
    with pytest.raises(ConfigurationError, match=r"'area\.assumption' must say why"):
        load_profile(path)


def test_a_category_the_force_does_not_have_is_refused_naming_the_code(tmp_path: Path) -> None:
    path = _write_variant(
        tmp_path, "san-diego", '"415" = { category = "public-order"', '"415" = { category = "loud"'
    )
    with pytest.raises(
        ConfigurationError, match=r"'types\.map\.415\.category' names category 'loud'"
    ):
        load_profile(path)


def test_a_grade_label_the_force_does_not_use_is_refused(tmp_path: Path) -> None:
    path = _write_variant(tmp_path, "san-diego", '"0" = "P1"', '"0" = "Grade 9"')
    with pytest.raises(ConfigurationError, match=r"'priority\.map\.0' names grade label 'Grade 9'"):
        load_profile(path)


def test_an_unknown_marker_area_or_source_is_refused(tmp_path: Path) -> None:
    cases = [
        ('markers = ["domestic-abuse"]', 'markers = ["dv"]', "marker 'dv'"),
        ('C2 = "central"', 'C2 = "capitol-hill"', "area 'capitol-hill'"),
        ('"911" = "999"', '"911" = "112"', "call source '112'"),
    ]
    for old, new, message in cases:
        with pytest.raises(ConfigurationError, match=message):
            load_profile(_write_variant(tmp_path, "seattle", old, new))


def test_an_unknown_time_zone_or_an_unusable_encoding_is_refused(tmp_path: Path) -> None:
    zone = _write_variant(tmp_path, "seattle", '"America/Los_Angeles"', '"America/Atlantis"')
    with pytest.raises(ConfigurationError, match="'timezone' 'America/Atlantis' is not a known"):
        load_profile(zone)
    wide = _write_variant(tmp_path, "seattle", 'encoding = "utf-8-sig"', 'encoding = "utf-16"')
    with pytest.raises(ConfigurationError, match="'encoding' 'utf-16' must be ASCII-compatible"):
        load_profile(wide)
    bogus = _write_variant(tmp_path, "seattle", 'encoding = "utf-8-sig"', 'encoding = "klingon"')
    with pytest.raises(ConfigurationError, match="'klingon' is not a known encoding"):
        load_profile(bogus)


def test_an_invalid_pattern_or_horizon_is_refused(tmp_path: Path) -> None:
    regex = _write_variant(tmp_path, "seattle", r"regex = '(?<!NOT )\bDV\b'", "regex = '(DV'")
    with pytest.raises(ConfigurationError, match=r"'types\.patterns\[0\]\.regex' is not a valid"):
        load_profile(regex)
    horizon = _write_variant(
        tmp_path, "seattle", "closing_horizon_hours = 1", "closing_horizon_hours = 0"
    )
    with pytest.raises(ConfigurationError, match="'closing_horizon_hours' must be a positive"):
        load_profile(horizon)


def test_an_unknown_profile_name_and_broken_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no such file, and not one of the bundled"):
        load_profile("glasgow")
    broken = tmp_path / "broken.toml"
    broken.write_text("source_system = ", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"broken\.toml: not valid TOML"):
        load_profile(broken)
