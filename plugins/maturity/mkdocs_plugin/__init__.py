"""The MkDocs adapter: a thin plugin that turns the core's results into generated pages."""
