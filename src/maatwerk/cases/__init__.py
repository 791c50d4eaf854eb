"""The case file: cases with their full history, the Awb workflow with deadlines, discretion
records with four-eyes approval, objections, and the append-only audit chain."""
