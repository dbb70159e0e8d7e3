"""The markers a search snippet carries around each matched word; each renderer turns them into its own emphasis.

Control characters no source text holds (the build rejects them), so they can never be confused with data.
"""

START, END = "\x02", "\x03"
