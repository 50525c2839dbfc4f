"""The package version, in a module of its own so anything can read it without importing the
package's public surface (which loads the engine)."""

__version__ = "0.1.0"
