"""The yearly follow-up report and grouping of unanswered questions."""
