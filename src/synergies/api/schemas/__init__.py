"""Request and response bodies: separate from domain objects and from tables."""
