"""Run management: the sites list, the run store (resume), the manifest, 复核 and run diffs."""
