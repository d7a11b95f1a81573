"""The three APIs: one HTTP layer (pacing, cache, retries, credentials), settings from the
environment, and one client per API that returns typed records.
"""
