"""Opening the compiled database to other tools: a Frictionless data package (`bilat export`) and Datasette's
metadata (`bilat serve`), both described from `bilat.build.descriptions` so they never drift from the README."""
