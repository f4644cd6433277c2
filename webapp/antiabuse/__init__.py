"""Defences for a day of action: risk signals that add friction (never silent drops)."""
