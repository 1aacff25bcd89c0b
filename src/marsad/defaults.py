"""Defaults the command line shows in its help, in a module that imports nothing: `marsad --help`
prints them without loading NumPy, tantivy or the store (the modules that use them take them
from here)."""

BATCH_PAGES = 500  # pages per store transaction: at most what a killed or interrupted ingest redoes
MAX_LIMIT = 100  # search hits per page
NEAR_THRESHOLD = 0.8  # word 5-gram Jaccard from which two articles are near-duplicates (dedup.near)
