"""The REST API: a thin shell over the service layer (FastAPI)."""
