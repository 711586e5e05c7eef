"""Building blocks shared by the generator and the discriminators (one copy of each)."""
