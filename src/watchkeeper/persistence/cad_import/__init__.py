"""Import of real computer-aided-dispatch exports through declarative mapping profiles."""
