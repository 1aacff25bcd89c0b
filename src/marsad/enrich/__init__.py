"""Enrichment: what an article says beyond its words (dates; entities)."""
