"""The reference supplier server of the open kameng protocol (`kameng-tui supplier serve`):
a real HTTP server with its own books and fault knobs, for tests, demos and adapter
authors. Not part of the app: nothing but the CLI's developer commands imports it."""
