"""Series and values: figures as of a date, year-end levels (one rule), derived indicators, growth arithmetic. May import inputs and contract."""
