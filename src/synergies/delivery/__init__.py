"""The outside world alerts are delivered to: webhook receivers (HTTP) and mail (SMTP)."""
