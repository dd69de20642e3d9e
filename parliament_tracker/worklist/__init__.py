"""Mijn werk: what each user has to do now, by role, from the existing queries of cases,
deadlines and letters (and contributions). Above letters and deadlines in the import order."""
