"""The partner widget: one-line embed, a cookie-free iframe, attribution and consent per partner."""
