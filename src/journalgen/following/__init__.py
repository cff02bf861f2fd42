"""Following the journal by email: requests to follow (the follow form, brought in and
approved like guestbook messages), the followers kept in the journal, and
`journalgen notify`, which sends each newly published entry to them."""
