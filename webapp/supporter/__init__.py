"""Supporter-facing pages: campaign list, letter form, preview and receipt."""
