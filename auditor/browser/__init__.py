"""The browser side of a run: launching Chromium, one context per site, bounded page steps and the
network guard that keeps the auditor from writing to a site."""
