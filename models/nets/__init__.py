"""The networks in the reference's key layout: generator, decoder, discriminators, losses, building blocks."""
