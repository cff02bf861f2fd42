"""What a build keeps for the next one, wrapped around the stages (which know nothing of
it): one store, the record of what each output was made from, and the keys of pages."""
