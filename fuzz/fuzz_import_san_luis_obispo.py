"""Fuzz the CAD importer through the bundled 'san-luis-obispo' profile; seeds: heads of the real exports."""

from __future__ import annotations

from cad_export import real_files, run_harness

if __name__ == "__main__":
    run_harness(
        "import_san_luis_obispo",
        "san-luis-obispo",
        real_files("slo-pd-call-log", "SLOPD_report_*.csv"),
    )
