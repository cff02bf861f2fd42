"""Commands of the everyday loop, one module each: `publish` (build, check, commit, push,
and optionally wait for the site and email the followers) and `forms` (bring in what the
host's forms received)."""
