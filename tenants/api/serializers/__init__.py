"""The tenants app over the API, one module per concept: representations, and the input shapes the services take.
Write serializers only check shapes and types; the rules are the services'."""
