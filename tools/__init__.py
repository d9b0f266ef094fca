"""Developer tooling run by the Makefile and the integration tests (not part of the product)."""
