"""Helpers for tests that read the real SDK (headers, symbol table) from the local cache.

Nothing here loads ``libImSDK.so``: the cache is filled by ``scripts/fetch-real-sdk``, and these
modules only read files.
"""
