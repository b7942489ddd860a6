"""The ``watchkeeper`` command line: thin commands over the services, acting as an operator."""
