"""Effectiveness assessment: framework, criteria, judgements and the findings register."""
