"""The same indicator definitions give the same results on SQLite, PostgreSQL, DuckDB and Spark.

The log in ``conftest.py`` is stored through the repository; its hand-computed values are
``EXPECTED``. The store engines read it in place; DuckDB and Spark read the Parquet
extract written from the SQLite store. Every engine must return identical values, notes,
numerators and denominators. The attendance indicators also run on the real SLO and San
Diego logs imported through their profiles.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from watchkeeper.analytics.indicator_backends import (
    DuckDBParquetBackend,
    SparkParquetBackend,
    StoreBackend,
)
from watchkeeper.analytics.indicator_engine import compute_indicators
from watchkeeper.analytics.indicator_queries import QUERIES
from watchkeeper.assessment.indicators import IndicatorValue
from watchkeeper.kernel.clock import FixedClock
from watchkeeper.persistence.analytics_export import export_incident_log
from watchkeeper.persistence.cad_import.importer import import_files
from watchkeeper.persistence.cad_import.profile import load_profile
from watchkeeper.persistence.tables import metadata
from watchkeeper.persistence.uow import SqlImportUnitOfWork

from .conftest import (  # type: ignore[import-not-found]
    EXPECTED,
    PERIOD,
    REGISTER_COUNTS,
    REGISTER_EXPECTED,
    store_incidents,
    store_registers,
)


def _check_expected(results: dict[str, IndicatorValue]) -> None:
    for key, expected in {**EXPECTED, **REGISTER_EXPECTED}.items():
        got = results[key]
        if expected is None:
            assert (got.status, got.value) == ("no-data", None), key
        else:
            assert got.status == "ok", (key, got.note)
            assert got.value == pytest.approx(expected), key
    for key, counts in REGISTER_COUNTS.items():
        assert (results[key].numerator, results[key].denominator) == counts, key
    assert results["lro_weighted_caseload"].note == "5.5 band-weighted groups over 2 LROs"


def _same(a: dict[str, IndicatorValue], b: dict[str, IndicatorValue]) -> None:
    assert a.keys() == b.keys()
    for key, x in a.items():
        y = b[key]
        assert (x.status, x.note, x.numerator, x.denominator) == (
            y.status,
            y.note,
            y.numerator,
            y.denominator,
        ), key
        assert (x.value is None) == (y.value is None), key
        if x.value is not None and y.value is not None:
            assert math.isclose(x.value, y.value, rel_tol=1e-12), key


@pytest.fixture
def stored(database_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(database_url)
    store_incidents(engine)
    store_registers(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_results_and_extract(tmp_path: Path) -> tuple[dict[str, IndicatorValue], Path]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    store_incidents(engine)
    store_registers(engine)
    backend = StoreBackend.from_engine(engine)
    results = compute_indicators(backend, *PERIOD)
    backend.close()
    export_incident_log(engine, tmp_path / "extract")
    engine.dispose()
    return results, tmp_path / "extract"


def test_the_store_engines_return_the_hand_computed_values(stored: sa.Engine) -> None:
    backend = StoreBackend.from_engine(stored)
    try:
        _check_expected(compute_indicators(backend, *PERIOD))
    finally:
        backend.close()


def test_duckdb_over_the_parquet_extract_matches_the_store_exactly(
    sqlite_results_and_extract: tuple[dict[str, IndicatorValue], Path],
) -> None:
    on_store, extract = sqlite_results_and_extract
    on_duckdb = compute_indicators(DuckDBParquetBackend(extract, threads=1), *PERIOD)
    _check_expected(on_duckdb)
    _same(on_store, on_duckdb)


@pytest.mark.spark
def test_spark_local_mode_matches_the_store_exactly(
    sqlite_results_and_extract: tuple[dict[str, IndicatorValue], Path], spark_session: Any
) -> None:
    on_store, extract = sqlite_results_and_extract
    on_spark = compute_indicators(SparkParquetBackend(extract, spark_session), *PERIOD)
    _check_expected(on_spark)
    _same(on_store, on_spark)


def test_a_postgresql_and_a_sqlite_store_agree_on_everything(
    stored: sa.Engine, tmp_path: Path
) -> None:
    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    store_incidents(other)
    store_registers(other)
    a, b = StoreBackend.from_engine(stored), StoreBackend.from_engine(other)
    try:
        _same(compute_indicators(a, *PERIOD), compute_indicators(b, *PERIOD))
    finally:
        a.close()
        b.close()
        other.dispose()


ATTENDANCE = [k for k in QUERIES if "attendance" in k]


def _import_real(profile: str, files: list[Path], tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / f'{profile}.db'}")
    metadata.create_all(engine)
    clock = FixedClock(datetime(2026, 11, 26, tzinfo=UTC))
    import_files(
        load_profile(profile),
        files,
        lambda: SqlImportUnitOfWork(engine),
        clock,
        "import:test",
        tmp_path,
    )
    return engine


@pytest.mark.realdata
def test_attendance_indicators_on_the_real_san_luis_obispo_log(
    shared_data: Path, tmp_path: Path
) -> None:
    files = sorted((shared_data / "slo-pd-call-log").glob("SLOPD_report_*.csv"))
    engine = _import_real("san-luis-obispo", files, tmp_path)
    period = (datetime(2021, 10, 1, tzinfo=UTC), datetime(2022, 2, 1, tzinfo=UTC))
    backend = StoreBackend.from_engine(engine)
    on_store = compute_indicators(backend, *period, ATTENDANCE)
    backend.close()
    export_incident_log(engine, tmp_path / "slo")
    on_duckdb = compute_indicators(
        DuckDBParquetBackend(tmp_path / "slo", threads=1), *period, ATTENDANCE
    )
    _same(on_store, on_duckdb)
    # SLO records arrivals, so emergency and priority attendance are measured (the grades are
    # the profile's assumed mapping of call types); medians are plausible minutes.
    for key in ("emergency_attendance_within_target", "priority_attendance_within_target"):
        v = on_store[key]
        assert v.status == "ok" and v.denominator is not None and v.denominator > 50, key
        assert v.value is not None and 0.0 < v.value < 100.0, key
    median = on_store["priority_attendance_median_minutes"].value
    assert median is not None and 1.0 < median < 120.0


@pytest.mark.realdata
def test_san_diego_has_no_arrival_times_so_attendance_is_no_data_not_zero(
    shared_data: Path, tmp_path: Path
) -> None:
    files = sorted((shared_data / "sandiego-pd-cfs").glob("pd_calls_for_service_*.csv"))
    engine = _import_real("san-diego", files, tmp_path)
    period = (datetime(2023, 1, 1, tzinfo=UTC), datetime(2023, 1, 16, tzinfo=UTC))
    backend = StoreBackend.from_engine(engine)
    results = compute_indicators(backend, *period, ATTENDANCE)
    backend.close()
    for key, v in results.items():
        assert v.status == "no-data" and v.value is None, key
    emergency = results["emergency_attendance_within_target"]
    assert "without a recorded arrival not counted" in emergency.note
