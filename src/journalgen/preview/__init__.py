"""`journalgen serve` and `watch`: the folder watched, rebuilt through the incremental
layer, and the preview served with its forms."""
