"""Assessment: progress rules, target status (codes and numbers, no sentences), stage targets, comprehensive evaluation, enterprise classes. May import projection and below."""
