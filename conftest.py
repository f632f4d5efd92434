"""Running from the checkout: load the suite's plugin (the installed entry point has the same name)."""

pytest_plugins = ["conformance.plugin"]
