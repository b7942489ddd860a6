"""Reports: HTML (Jinja2), PDF (WeasyPrint) and hand-drawn SVG charts."""
