"""Assisted voluntary return and reintegration: return cases, movements, cash grants, receipts."""
