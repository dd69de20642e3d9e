"""Reference data: directorates, signatories, committees, parties and members."""
