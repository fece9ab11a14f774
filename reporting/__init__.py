"""The PDF gap report: context (pure), charts and PDF rendering."""
