"""Staff warnings: drafting, four-eyes approval, targeting and reliable delivery."""
