"""Demo data of the online service hall (网上办事): guides, blank forms and applications."""
