"""The supply-chain API, one module per concept. Thin: every viewset reads through the selector it declares
(supplychain.selectors), every write goes through supplychain.services. Whatever the caller may not see
answers 404, the same as an object that does not exist."""
