"""Kernel: identifiers, clocks, errors and geometry shared by every context."""
