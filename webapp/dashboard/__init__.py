"""The organiser side: sign-in, campaign dashboards, editor, exports and partner views."""
