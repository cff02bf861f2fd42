"""Publishing: what a journal needs on its host (headers, the pinned build, the schedule
trigger, GitHub Pages) and the commands that set it up (`upgrade`, `schedule`)."""

CLOUDFLARE_WORKFLOW = ".github/workflows/journalgen-cloudflare.yml"
"""Where a journal published on Cloudflare Pages keeps its workflow: its presence is how a
build knows to write `_redirects` in Cloudflare's dialect (kept here, where a build can read
it without loading the host's files)."""
