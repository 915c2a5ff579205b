"""Engine tests never touch Django or a database."""
