"""Plantrack: public tracking of national strategy commitments."""
