"""Reading content files (YAML with lines and fields), normalising text, dates in words."""
