"""The read layer: every reader of the compiled database gets its rows here, and nowhere else.

`filters` turns what the user typed into SQL once, for every query command; `listing` (list, summary,
timeline), `search`, `records` (show), `names` (what an id is, completion) and `brief_facts` (what a
briefing note needs) own their SQL and return plain data.  Renderers and the brief never run SQL.
Standard library only (the query path).
"""
