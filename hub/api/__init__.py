"""The HTTP API: `create_app()` mounts every domain's router under /api/v1."""
