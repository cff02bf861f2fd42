"""`journalgen import wordpress|blogger`: an old blog brought into the journal.

exportfile   the only reader of the export: size limit, no DOCTYPE, lxml without entities
wordpress    WXR (WordPress's export) -> Export       (pure)
blogger      Blogger's backup or Takeout feed -> Export (pure)
convert      a post's HTML -> journalgen Markdown, photos found in --uploads (pure)
plan         Export + the journal as it is -> the files to write and the report (pure)
commands     the command: plans, then writes every file whole
"""
