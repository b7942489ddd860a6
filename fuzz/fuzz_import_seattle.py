"""Fuzz the CAD importer through the bundled 'seattle' profile; seeds: heads of the real exports."""

from __future__ import annotations

from cad_export import real_files, run_harness

if __name__ == "__main__":
    run_harness(
        "import_seattle",
        "seattle",
        real_files("seattle-spd-call-data-extract", "db_call_data_*.csv"),
    )
