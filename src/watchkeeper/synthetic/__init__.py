"""Seeded synthetic UK control-room data, calibrated to the real public logs.

Entry points (imported from their modules, so ``python -m ...calibration`` runs cleanly):
``generator.generate_incidents``, ``generator.write_san_diego_style_export``,
``config.load_synthetic_config``, ``calibration.load_calibration`` / ``calibrate``.
"""
