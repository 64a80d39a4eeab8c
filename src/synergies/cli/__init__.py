"""The command-line shell: thin commands over the service layer."""
