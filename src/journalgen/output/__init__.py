"""Stage 5, writing: the output folder replaced whole or not at all, photos encoded, files
of the journal written whole, one writer at a time."""
