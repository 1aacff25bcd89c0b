"""Stories: articles clustered by the event they tell (wider than a group of copies)."""
