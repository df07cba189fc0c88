// Placeholder until the plan search lands (issue 7).
