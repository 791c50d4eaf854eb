"""The HTML faces, one module per group of people in the essay."""
