"""Outcome indicators beside satisfaction: completion, drop-out, employment, ... per school (and program) and
year, imported by admins from CSV; each school sees its own beside its indices, the network report relates
them to the dimensions across schools."""
