"""The JSON API: representative lookup (and, later, public campaign stats)."""
