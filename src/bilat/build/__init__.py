"""Compiling a dataset into SQLite: records -> a new database, written to a temporary file and swapped in atomically.

A full build (bilat.build.full) reads the YAML files in worker processes (one
file at a time, a few files in flight, so memory stays flat: bilat.build.read),
turns their records into rows (bilat.build.rows) and inserts them in one
transaction on the temporary file, then checks what needs the whole dataset in
SQL (duplicate ids, references, quotes whose source lives in another file:
bilat.build.checks), derives dates and statuses (bilat.build.derive), and fills
the search index (bilat.build.search_index).

An incremental build (bilat.build.incremental) starts from a copy of the last
good database and replaces only the rows of the YAML files whose size, mtime or
ctime changed (bilat.layout.Snapshot), then re-checks, re-derives and re-indexes
the records those rows touch.  It is chosen when few files changed and no source
text was edited or removed.

Both end the same way: any problem and the temporary file is removed, the last
good database untouched.  Problems are then located exactly (file, line, column)
by running the validator over the offending files only, seeded with the ids of
every other file from the database, so an error costs no more than the files it
is in.

The schema (bilat.build.schema) is standard library only and read on the query
path; nothing here imports bilat.store, which calls the build.  This package's
own module imports nothing, so importing the schema costs no more than the schema.
"""
