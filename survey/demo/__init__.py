"""Demo data: a realistic network to try Benchlearn on."""
