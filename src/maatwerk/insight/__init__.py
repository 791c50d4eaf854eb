"""Insight: what the case file says about maatwerk in practice (precedents, dashboards,
dilemmas, dynamics, profiles)."""
