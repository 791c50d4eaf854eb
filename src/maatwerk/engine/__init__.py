"""Applying a regulation: compiled plans, decisions with layers, trace and explanation."""
