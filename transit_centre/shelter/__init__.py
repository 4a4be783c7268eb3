"""Shelter: rooms and beds, check-in, bed moves, transfers, check-out and bed-nights."""
