"""Inputs: read files, check them against the contract, load a Panel, ingest to Parquet, the Excel template and the demo universe. May import contract."""
