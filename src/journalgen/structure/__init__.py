"""Stage 3, assembling: the parsed entries made into one `Site` (addresses, lists, pages of
lists, tags, the guestbook, redirects, the journal's language)."""
