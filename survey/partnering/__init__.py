"""Benchlearning requests between schools: from a benchmark partner list to an accepted visit or meeting, with
notes shared between the two schools; identities revealed only as the network's settings and both schools
allow."""
