"""The commands of `journalgen`, one module each, each registering its own arguments
(`register`): build, serve and watch, init, new, publish, forms, guestbook, farewell,
deploy-check, book, keepsake and status. The commands of `following/` (followers,
notify), `importing/` (import) and `publishing/` (upgrade, schedule) live with their
parts. cli.py assembles them and reports what goes wrong."""
