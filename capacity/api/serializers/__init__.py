"""Capacity sharing over the API, one module per concept: representations, and the input shapes the services take.

Money is Decimal and goes out as a string with two places ("18000.00"); prices include VAT. Write serializers only
check shapes and types; the rules are the services' (capacity.services.*).
"""
