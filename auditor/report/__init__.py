"""Reporters: terminal, JSON, HTML and JUnit views of one :class:`~auditor.model.RunResult`.

They read the results model only and never touch the browser.
"""
