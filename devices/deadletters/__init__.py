"""Dead letters: messages ingest could not store, kept with their reason for technicians."""
