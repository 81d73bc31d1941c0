"""The curated knowledge base: topics loaded from YAML files."""
