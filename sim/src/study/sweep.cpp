// Placeholder until the sweep lands (issue 7).
