"""Scoring: theme scores, completeness, bands, gaps, priorities, comparison. Pure pandas."""
