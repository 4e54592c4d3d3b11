"""Submittals: element drafts (blank or copied), documents, the submit with its certification,
and the change view between versions."""
