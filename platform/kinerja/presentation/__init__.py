"""The one presentation layer: formats (Babel, the reader's locale) and labels (a label for every code)."""
