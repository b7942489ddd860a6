"""Published inspection findings, per force and year (YAML), in the project's own words."""
