"""The aiohttp web face: public pages, JSON API and (later) the staff dashboard."""
