"""Letters: merge fields in organiser text, safe Markdown, and the letter each target receives."""
