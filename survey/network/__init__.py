"""The network of schools: its settings, its schools and their programs."""
