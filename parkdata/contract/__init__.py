"""The data contract: tables' columns, the indicator catalog, the vocabulary, units, periods, numbers and names. Imports nothing else of parkdata but errors, paths and files."""
