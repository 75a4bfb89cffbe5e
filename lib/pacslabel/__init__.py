"""pacslabel: label a hospital PACS archive into groups of semantically similar images."""

__version__ = "0.1.0"
