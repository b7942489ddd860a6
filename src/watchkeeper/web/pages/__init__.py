"""Server-rendered pages (Jinja2 + htmx): thin routes that parse, call one service, render."""
