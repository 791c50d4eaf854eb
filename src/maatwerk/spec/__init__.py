"""The regulation language: YAML with positions, the schema, formulas and their IR, checking."""
