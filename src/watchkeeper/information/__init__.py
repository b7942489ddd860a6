"""The management of police information: retention review (MoPI) and subject access."""
