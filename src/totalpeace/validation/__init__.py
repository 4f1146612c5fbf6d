"""Checking the model against history: observed targets, proper scoring rules and held-back-year validation."""
