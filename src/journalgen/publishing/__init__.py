"""Publishing: what a journal needs on its host (headers, the pinned build, the schedule
trigger, GitHub Pages) and the commands that set it up (`upgrade`, `schedule`)."""
