"""Stage 2, parsing: one file into one `Entry` or `Page` (Markdown, sanitising, galleries,
farewells, the photos it plans). Each call depends only on the file and the settings."""
