"""The HTTP routes, thin: each reads the request, calls the library, and hands the result to a view or a serialiser."""
