"""What every domain shares and no domain owns: error kinds the API maps to status codes, and the request-scoped
database dependency. Knows no domain and never imports `hub`."""
