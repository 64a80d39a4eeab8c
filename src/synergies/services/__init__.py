"""The service layer: owns transactions, permissions and the audit trail.

The CLI, the REST API and the web pages call these services and never touch the store.
"""
