// Placeholder until its feature lands (issue 7).
