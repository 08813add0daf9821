"""The running service: settings, database, MQTT ingest, scheduler, the FastAPI app and the `carehub` command.
`hub` wires the domain packages together; they never import it."""
