"""The supply chain over the API, one module per concept: representations, and the input shapes the services
take.

Money is Decimal and goes out as a string with two places ("15800.00"), quantities with three. Write
serializers only check shapes and types; the rules are the services' (supplychain.services.*).
"""
