"""Contributions (bijdragen): a drafter asks another directorate or an outside address for text."""
