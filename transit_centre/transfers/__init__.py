"""Resident transfer files between centres that do not share a database (``service``), sealed
with the centres' own keys (``envelope``)."""
