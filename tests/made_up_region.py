"""A made-up region for the tests that run the service somewhere else: two municipalities, its own
numbers and Finland's time zone."""

MADE_UP_REGION = """kind: region
police_area: Norra Kustlandet
municipalities:
  - name: Norrvik
    domain: norrvik.example
  - name: Sjöby
    domain: sjoby.example
numbers:
  emergency: "112"
  police: "123 45"
  support: "116 999"
timezone: Europe/Helsinki
example_group: Sjöby hembygdsförening
"""
