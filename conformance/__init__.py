"""The conformance suite users run: pytest plugin, HTTP client, response checks, properties and the
embedded reference implementation of CreateIntegrationWorkflow."""
