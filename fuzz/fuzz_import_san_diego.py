"""Fuzz the CAD importer through the bundled 'san-diego' profile; seeds: heads of the real exports."""

from __future__ import annotations

from cad_export import real_files, run_harness

if __name__ == "__main__":
    run_harness(
        "import_san_diego", "san-diego", real_files("sandiego-pd-cfs", "pd_calls_for_service_*.csv")
    )
