"""Stage 1, reading: the journal's files found (`sources.discover`), their bytes read once,
and YAML (settings, front matter, messages) read into typed values that name their line."""
