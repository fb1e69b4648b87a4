"""The practice library ("What works"): cards a school writes about what it does, published to its network,
searchable, with attachments, an edit history and the school's measured indices beside each card."""
