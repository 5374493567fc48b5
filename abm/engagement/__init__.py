"""Engagement and the buying committee (issue #16): who the contacts are and how engaged accounts are."""
